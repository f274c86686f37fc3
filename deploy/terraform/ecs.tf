resource "aws_ecs_cluster" "main" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "service" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
}

locals {
  # The container, as a Terraform object (jsonencode'd below), so that tests/deploy can read it.
  container = {
    name      = var.name
    image     = "${aws_ecr_repository.main.repository_url}:${var.image_tag}"
    essential = true
    user      = "10001" # the image's non-root user
    # telemetryd writes nothing outside its data folder, and with DynamoDB not even there.
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
    environment = [
      { name = "TELEMETRY_STORAGE", value = "dynamodb" },
      { name = "TABLE_NAME", value = aws_dynamodb_table.readings.name },
      { name = "AWS_DEFAULT_REGION", value = var.region },
      { name = "TELEMETRY_LISTEN", value = "0.0.0.0:${var.container_port}" },
      { name = "TELEMETRY_AUTH", value = var.auth },
      # The ALB appends the client's address to X-Forwarded-For: rate limits see clients, not the ALB.
      { name = "TELEMETRY_TRUST_PROXY", value = "true" },
      # On SIGTERM, /readyz fails while the ALB (health check every 10 s, 2 failures) stops sending traffic.
      { name = "TELEMETRY_DRAIN_SECONDS", value = "20" },
      # Dashboards in a browser on these origins may read the answers (none when empty).
      { name = "TELEMETRY_CORS_ORIGINS", value = join(",", var.cors_origins) },
    ]
    secrets = var.admin_token_secret_arn == "" ? [] : [
      { name = "TELEMETRY_ADMIN_TOKEN", valueFrom = var.admin_token_secret_arn },
    ]
    stopTimeout = 45 # drain (20 s) + requests under way (--shutdown-grace 10 s), with room
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.service.name
        "awslogs-region"        = var.region
        "awslogs-stream-prefix" = "telemetryd"
      }
    }
  }
}

resource "aws_ecs_task_definition" "main" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
}

resource "aws_ecs_service" "main" {
  name                              = var.name
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.main.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 30
  # Rolling: new tasks start before old ones stop; a deployment whose tasks fail is rolled back.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.main.arn
    container_name   = var.name
    container_port   = var.container_port
  }
  # The pipeline deploys new task definitions and autoscaling sets the count: Terraform leaves both alone.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }
  depends_on = [aws_lb_listener.http, aws_lb_listener.https]
}

resource "aws_appautoscaling_target" "service" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.main.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_tasks
  max_capacity       = var.max_tasks
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  service_namespace  = aws_appautoscaling_target.service.service_namespace
  resource_id        = aws_appautoscaling_target.service.resource_id
  scalable_dimension = aws_appautoscaling_target.service.scalable_dimension
  policy_type        = "TargetTrackingScaling"
  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  service_namespace  = aws_appautoscaling_target.service.service_namespace
  resource_id        = aws_appautoscaling_target.service.resource_id
  scalable_dimension = aws_appautoscaling_target.service.scalable_dimension
  policy_type        = "TargetTrackingScaling"
  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.main.arn_suffix}/${aws_lb_target_group.main.arn_suffix}"
    }
  }
}
