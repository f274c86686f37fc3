// Export: GET /api/v1/readings?sensorID=&from=&to=&limit=&cursor=&format=
//   -> 200 {"readings":[{"sensorID":"107","time":"2021-10-04T09:00:00Z","temperature":12}],"next":"<cursor>"|null}
//   -> 200 text/csv "sensorID,time,temperature" rows, with `Accept: text/csv` or format=csv; the next page's
//      cursor in the X-Next-Cursor header (absent on the last page)
// One sensor's raw readings in time order over [from, to), or without sensorID every sensor's, sensor by sensor
// (Store::Readings), `limit` per page (default 1000, at most 10000), with keyset pagination (api/export_cursor.h):
// a page costs the same however deep into the data it is. limit=all answers the whole range at
// once, streamed (chunked) a page at a time as the client takes it: constant memory for millions of readings. The JSON
// items have the shape POST /api/v1/readings takes, so an export can be written back as it is.
#pragma once

#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

void AddReadingsApi(http::Router& router, Store& store);

}  // namespace telemetry::api
