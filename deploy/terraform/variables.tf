variable "region" {
  description = "AWS region for everything (the original deployed to us-east-1)."
  type        = string
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "name" {
  description = "Name of the service: prefixes every resource (cluster, service, repositories, roles)."
  type        = string
  default     = "telemetryd"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2 to 31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "table_name" {
  description = "DynamoDB table of readings, aggregates and tokens (telemetryd's TABLE_NAME)."
  type        = string
  default     = "telemetry"
  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3 to 255 of a-z A-Z 0-9 _ . -, as DynamoDB requires."
  }
}

variable "container_port" {
  description = "Port telemetryd listens on in the container; the target group sends traffic there."
  type        = number
  default     = 8080
  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be 1024 to 65535 (the container runs as a non-root user)."
  }
}

variable "image_tag" {
  description = "Image tag the first task definition runs; the pipeline deploys each commit's own tag after that."
  type        = string
  default     = "latest"
  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a Docker tag: up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -."
  }
}

variable "cpu" {
  description = "Fargate CPU units per task (256 = 1/4 vCPU)."
  type        = number
  default     = 512
  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be one of 256, 512, 1024, 2048, 4096."
  }
}

variable "memory" {
  description = "Fargate memory per task in MiB; must suit cpu (e.g. 512 CPU: 1024 to 4096)."
  type        = number
  default     = 1024
  validation {
    condition     = var.memory >= 512 && var.memory <= 30720
    error_message = "memory must be 512 to 30720 MiB."
  }
}

variable "desired_count" {
  description = "Tasks at start (the original ran 2); autoscaling moves it between min_tasks and max_tasks."
  type        = number
  default     = 2
  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 100
    error_message = "desired_count must be 1 to 100."
  }
}

variable "min_tasks" {
  description = "Fewest tasks autoscaling leaves running."
  type        = number
  default     = 2
  validation {
    condition     = var.min_tasks >= 1
    error_message = "min_tasks must be at least 1."
  }
}

variable "max_tasks" {
  description = "Most tasks autoscaling starts."
  type        = number
  default     = 10
  validation {
    condition     = var.max_tasks >= 1 && var.max_tasks <= 100
    error_message = "max_tasks must be 1 to 100 (and at least min_tasks)."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU of the service autoscaling keeps tasks at."
  type        = number
  default     = 60
  validation {
    condition     = var.cpu_target_percent > 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "requests_per_target" {
  description = "ALB requests per task per minute autoscaling keeps tasks at."
  type        = number
  default     = 60000
  validation {
    condition     = var.requests_per_target >= 100
    error_message = "requests_per_target must be at least 100 requests per minute."
  }
}

variable "private_egress" {
  description = "How tasks in private subnets reach ECR, CloudWatch Logs and DynamoDB: vpc_endpoints (interface endpoints for ECR and Logs, gateway endpoints for S3 and DynamoDB) or nat (a NAT gateway per zone)."
  type        = string
  default     = "vpc_endpoints"
  validation {
    condition     = contains(["vpc_endpoints", "nat"], var.private_egress)
    error_message = "private_egress must be vpc_endpoints or nat."
  }
}

variable "vpc_cidr" {
  description = "Address range of the VPC; public and private /24s are cut from it."
  type        = string
  default     = "10.20.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 19
    error_message = "vpc_cidr must be an IPv4 CIDR block of /19 or larger."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for an HTTPS listener (HTTP then redirects to HTTPS); empty: HTTP only."
  type        = string
  default     = ""
  validation {
    condition     = var.certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be empty or an ACM certificate ARN."
  }
}

variable "auth" {
  description = "telemetryd's --auth: none, or token (every call but health checks needs a token)."
  type        = string
  default     = "token"
  validation {
    condition     = contains(["none", "token"], var.auth)
    error_message = "auth must be none or token."
  }
}

variable "cors_origins" {
  description = "Web origins (e.g. https://dash.example.com) whose pages may call the API from a browser (telemetryd's --cors-origins); empty: none."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for origin in var.cors_origins : origin == "*" || can(regex("^https?://[a-z0-9.:\\[\\]-]+$", origin))])
    error_message = "cors_origins must hold origins as browsers send them: http:// or https://, a lower-case host, an optional port, no path; or *."
  }
}

variable "admin_token_secret_arn" {
  description = "Secrets Manager secret holding the bootstrap admin token (TELEMETRY_ADMIN_TOKEN); empty: none."
  type        = string
  default     = ""
  validation {
    condition     = var.admin_token_secret_arn == "" || can(regex("^arn:aws[a-z-]*:secretsmanager:", var.admin_token_secret_arn))
    error_message = "admin_token_secret_arn must be empty or a Secrets Manager secret ARN."
  }
}

variable "branch" {
  description = "CodeCommit branch whose pushes the pipeline builds and deploys."
  type        = string
  default     = "main"
  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.branch))
    error_message = "branch must be a git branch name."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the service's and the build's logs."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for key, value in var.tags : length(key) <= 128 && length(value) <= 256])
    error_message = "tag keys must be at most 128 characters, values at most 256."
  }
}
