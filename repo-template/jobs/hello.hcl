# A long-running service: a raw_exec task (a shell loop) on the local client.
job "hello" {
  type        = "service"
  datacenters = ["*"]

  group "web" {
    count = 1

    task "server" {
      driver = "raw_exec"

      config {
        command = "/bin/sh"
        args    = ["-c", "echo hello from ${NOMAD_ALLOC_ID}; while true; do sleep 5; done"]
      }

      resources {
        cpu    = 50
        memory = 32
      }
    }
  }
}
