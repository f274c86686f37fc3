// The sensor list: GET /api/v1/sensors?limit=&cursor=
//   -> 200 {"sensors":[{"sensorID":"107","count":n,"first":"2021-10-04T09:00:00Z","last":"...","lastValue":12}],
//           "next":"<cursor>"|null}
// In sensor id order (bytewise), `limit` per page (default 100, at most 1000); `next` is the cursor of the following
// page, null on the last. A cursor is opaque: pass it back as it came.
#pragma once

#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

void AddSensorsApi(http::Router& router, Store& store);

}  // namespace telemetry::api
