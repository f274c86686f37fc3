output "clone_url" {
  description = "Push telemetryd's repository here (git remote add aws <url>); each push to the branch deploys."
  value       = aws_codecommit_repository.main.clone_url_http
}

output "service_url" {
  description = "The service behind the load balancer: GET <url>/api answers {\"message\":\"Hello!\"}."
  value       = "${var.certificate_arn == "" ? "http" : "https"}://${aws_lb.main.dns_name}"
}

output "repository_url" {
  description = "The ECR repository the pipeline pushes images to."
  value       = aws_ecr_repository.main.repository_url
}

output "table_name" {
  description = "The DynamoDB table (TABLE_NAME)."
  value       = aws_dynamodb_table.readings.name
}
