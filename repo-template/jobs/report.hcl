# A batch job: runs to completion once and is not replaced when it succeeds.
job "report" {
  type = "batch"

  group "report" {
    task "report" {
      driver = "raw_exec"

      config {
        command = "/bin/sh"
        args    = ["-c", "date; echo report done"]
      }

      resources {
        cpu    = 50
        memory = 32
      }
    }
  }
}
