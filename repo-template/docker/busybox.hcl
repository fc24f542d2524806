# A Docker job. Not under jobs/ so the dev agent does not start it: machines without a Docker
# engine would report it failed. Move it to jobs/ (and set the image) to run it.
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
