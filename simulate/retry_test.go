package simulate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A request retried on another server (arr.retryOtherServer) counts on the
// server that settled it, in the per-server rows as in their outcomes, so
// that a server's requests are the sum of its outcomes. A constructed
// case: round robin over 3 servers, 1 and 2 down from the start, six
// arrivals. Requests 1 and 4 go to server 1, are retried on server 2 and
// refused again (12029 on server 2); requests 2 and 5 go to server 2 and
// are answered by server 3 after the retry; 3 and 6 are answered by
// server 3. So server 1 settles none, server 2 two (refused), server 3
// four (answered).
func TestRetriedRequestCountsOnTheServerThatSettledIt(t *testing.T) {
	r := replayed(t, farm(3, "protocol: {timeout: 30s}"), `duration: 60s
arr: {retryOtherServer: true}
events:
  - {at: 0s, server: 10.0.0.1, fault: down}
  - {at: 0s, server: 10.0.0.2, fault: down}`, []float64{1, 2, 3, 4, 5, 6})
	require.EqualValues(t, 6, r.requests())
	require.EqualValues(t, 2, r.out[oRefused])
	require.EqualValues(t, 4, r.out[o2xx])
	var got [3]int64
	for i, sv := range r.servers {
		got[i] = sv.requests
		var settled int64
		for _, n := range sv.out {
			settled += n
		}
		require.Equal(t, settled, sv.requests, "server %d: requests against the sum of its outcomes", i+1)
	}
	require.Equal(t, [3]int64{0, 2, 4}, got)
	require.EqualValues(t, 2, r.servers[1].out[oRefused])
	require.EqualValues(t, 4, r.servers[2].out[o2xx])
}
