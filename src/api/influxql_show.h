// Running an InfluxQL SHOW: DATABASES and RETENTION POLICIES as one store answering every database; MEASUREMENTS,
// TAG KEYS and FIELD KEYS once a reading (of a sensor WHERE accepts) exists; TAG VALUES: the sensors.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/influxql_result.h"
#include "core/influxql.h"
#include "core/retention.h"
#include "storage/store.h"

namespace telemetry::api {

// Calls `done` once with the statement's result. `database`: the request's db (SHOW DATABASES lists it);
// `retention`: the store's, the duration SHOW RETENTION POLICIES shows.
void RunShow(Store& store, std::shared_ptr<const influxql::Show> show, int statement_id, const std::string& measurement,
             const std::string& database, Retention retention, std::function<void(Producer)> done);

}  // namespace telemetry::api
