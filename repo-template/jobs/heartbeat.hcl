# A simulated service on the mock driver: runs until stopped, costs nothing.
job "heartbeat" {
  type = "service"

  group "beat" {
    count = 2

    task "beat" {
      driver = "mock"

      config {
        stdout_string = "beat"
      }

      resources {
        cpu    = 20
        memory = 16
      }
    }
  }
}
