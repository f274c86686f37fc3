# The table of telemetryd's DynamoDB store (docs/dynamodb.md): readings, aggregate buckets, the sensor list and
# tokens, all under one key schema: partition key pk (S) and sort key sk (S).
resource "aws_dynamodb_table" "readings" {
  name                        = var.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled = true # with the AWS-managed key
  }
}
