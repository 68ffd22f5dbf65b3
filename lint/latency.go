package lint

import "github.com/arrfarm/arrfarm/latency"

// A LatencySource describes how long backends take to answer: a scenario
// file's latency models or IIS logs. Package observed opens one from a
// path; lint only reads it.
type LatencySource = latency.Source

// A Distribution is a latency distribution.
type Distribution = latency.Distribution
