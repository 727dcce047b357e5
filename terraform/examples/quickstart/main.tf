# One Kafka namespace with a Redis target, against the devstack's controller (./walgate up).
#   terraform/install
#   terraform -chdir=terraform/examples/quickstart init
#   terraform -chdir=terraform/examples/quickstart apply
terraform {
  required_providers {
    walgate = {
      source  = "walgate/walgate"
      version = "~> 0.1"
    }
  }
}

# http://localhost:8081 unless endpoint (or WALGATE_CONTROLLER_URL) says otherwise; the devstack's
# controller runs without authentication, others take token or client_id/client_secret.
provider "walgate" {}

resource "walgate_namespace" "quickstart" {
  name  = "tf-quickstart"
  owner = "team-quickstart"

  backend = {
    type       = "kafka"
    partitions = 3
  }

  target = {
    type = "redis"
    regions = {
      local = { url = "redis://127.0.0.1:6380" }
    }
  }
}

output "status" {
  value = walgate_namespace.quickstart.status
}
