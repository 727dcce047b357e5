# Every attribute of a namespace, and both data sources. Attributes left out take the
# controller's defaults, which the plan shows; see docs/terraform.md.
terraform {
  required_providers {
    walgate = {
      source  = "walgate/walgate"
      version = "~> 0.1"
    }
  }
}

variable "controller" {
  type    = string
  default = "http://localhost:8081"
}

provider "walgate" {
  endpoint = var.controller
  # token = "…"                                   # or WALGATE_TOKEN
  # client_id     = "svc-platform-terraform"      # or WALGATE_CLIENT_ID …
  # client_secret = "…"
  # token_url     = "https://sso.example.com/realms/walgate/protocol/openid-connect/token"
}

resource "walgate_namespace" "profiles" {
  name  = "tf-profiles"
  shard = "default"
  owner = "team-profiles"
  # state = "PAUSED"   # left out, Terraform keeps whatever it is: it never resumes what an operator paused

  backend = {
    type       = "kafka"
    topic      = "wal.tf-profiles"
    partitions = 6
  }

  delivery = {
    ordering  = "KEY"
    max_delay = "PT24H"
  }

  retry = {
    max_attempts    = 10
    initial_backoff = "PT1S"
    multiplier      = 2
    max_backoff     = "PT5M"
    jitter          = 0.2
  }

  target = {
    type = "postgres"
    regions = {
      local = {
        url     = "postgresql://app:$${secret:profiles-db}@127.0.0.1:5433/profiles"
        options = { table = "profiles" }
      }
    }
    allow = {
      table = ["profiles_archive", "profiles_audit_*"]
    }
  }

  limits = {
    max_payload_bytes = 262144
    writes_per_second = 2000
    dedup_window      = "PT24H"
  }

  access = {
    writers   = ["svc-profiles"]
    operators = ["role:team-profiles-oncall"]
  }

  # Destroy even with entries not yet delivered (they are dropped). Default false.
  force_destroy = false
}

data "walgate_namespace" "profiles" {
  name = walgate_namespace.profiles.name
}

data "walgate_namespaces" "default_shard" {
  shard = "default"
  # Read after the namespace exists, so that the listing includes it.
  depends_on = [walgate_namespace.profiles]
}

output "profiles_status" {
  value = walgate_namespace.profiles.status
}

output "namespaces_in_default_shard" {
  value = data.walgate_namespaces.default_shard.names
}
