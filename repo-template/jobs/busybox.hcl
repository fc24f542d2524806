# A Docker job; its image is the variable "image" (the CI image built from busybox-static by
# default). It is placed once a client with a healthy docker driver joins.
variable "image" {
  type    = string
  default = "caravan-busybox:latest"
}

job "busybox" {
  type = "service"

  group "box" {
    task "box" {
      driver = "docker"

      config {
        image   = var.image
        command = "sh"
        args    = ["-c", "while true; do echo tick; sleep 10; done"]
      }

      resources {
        cpu    = 50
        memory = 32
      }
    }
  }
}
