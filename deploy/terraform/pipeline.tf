# CodeCommit -> CodePipeline -> CodeBuild (test, build the image, push it) -> ECS rolling deployment.
resource "aws_codecommit_repository" "main" {
  repository_name = var.name
  description     = "telemetryd: pushes to ${var.branch} are tested, built and deployed"
  default_branch  = var.branch
}

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${var.name}-pipeline-"
  force_destroy = true # build artifacts only
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    id     = "expire-artifacts"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/codebuild/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_codebuild_project" "main" {
  name          = var.name
  description   = "Runs telemetryd's test command, builds its image, pushes it to ECR"
  service_role  = aws_iam_role.codebuild.arn
  build_timeout = 90 # minutes: the whole test suite runs here
  artifacts {
    type = "CODEPIPELINE"
  }
  source {
    type      = "CODEPIPELINE"
    buildspec = "deploy/buildspec.yml"
  }
  environment {
    compute_type    = "BUILD_GENERAL1_MEDIUM"
    image           = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = true # docker builds the image and runs the tests in Debian 12
    environment_variable {
      name  = "REPOSITORY_URI"
      value = aws_ecr_repository.main.repository_url
    }
    environment_variable {
      name  = "CONTAINER_NAME"
      value = var.name
    }
  }
  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

resource "aws_codepipeline" "main" {
  name          = var.name
  role_arn      = aws_iam_role.codepipeline.arn
  pipeline_type = "V2"
  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeCommit"
      version          = "1"
      output_artifacts = ["source"]
      configuration = {
        RepositoryName       = aws_codecommit_repository.main.repository_name
        BranchName           = var.branch
        PollForSourceChanges = "false" # EventBridge starts it (below)
      }
    }
  }
  stage {
    name = "Build"
    action {
      name             = "TestBuildPush"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["image"]
      configuration = {
        ProjectName = aws_codebuild_project.main.name
      }
    }
  }
  stage {
    name = "Deploy"
    action {
      name            = "RollOut"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "ECS"
      version         = "1"
      input_artifacts = ["image"]
      configuration = {
        ClusterName = aws_ecs_cluster.main.name
        ServiceName = aws_ecs_service.main.name
        FileName    = "imagedefinitions.json"
      }
    }
  }
}

resource "aws_cloudwatch_event_rule" "push" {
  name        = "${var.name}-push"
  description = "a push to ${var.branch} of the CodeCommit repository"
  event_pattern = jsonencode({
    source      = ["aws.codecommit"]
    detail-type = ["CodeCommit Repository State Change"]
    resources   = [aws_codecommit_repository.main.arn]
    detail      = { event = ["referenceCreated", "referenceUpdated"], referenceType = ["branch"], referenceName = [var.branch] }
  })
}

resource "aws_cloudwatch_event_target" "pipeline" {
  rule     = aws_cloudwatch_event_rule.push.name
  arn      = aws_codepipeline.main.arn
  role_arn = aws_iam_role.events.arn
}
