package diagnose

import "fmt"

// explain returns what a (status, substatus, win32) group means and what to
// look at, after arr-reference.md section 5 and Microsoft's
// "Troubleshooting 502 errors in ARR". p50 is the group's median
// time-taken in ms (-1 unknown).
func explain(status, sub int, win32 int64, p50 int64) (meaning, advice string) {
	if status == 502 {
		switch sub {
		case 3:
			return explain5023(win32, p50)
		case 4:
			return "Bad Gateway: No Server (ARR): no server of the farm was eligible: all unhealthy, all disabled or unavailable, or none defined.",
				"Look at the farm's health check (URL, interval, statusCodeMatch, responseMatch) and minServers, and at what took the servers out of rotation at those times; ARR logs 502.4 with win32 0 and a small time-taken."
		case 1:
			return "CGI application timeout (not ARR).", "Look at the CGI application and its timeout."
		case 2:
			return "Bad gateway: premature exit of a CGI application; in ARR 3.0.1916 and later, a request mapping failure.",
				"Look at the rewrite rule's target URL and the routing configuration."
		case 5:
			return "WebSocket failure (ARR 3.0.1916 and later); the ASP.NET Core Module uses 502.5 for \"Process Failure\" (the app did not start).",
				"On an ASP.NET Core site: the app's stdout log and the event log for its start-up failure. Behind ARR: WebSocket support on the backend and on ARR."
		case 6:
			return "Forwarded request failure (ARR 3.0.1916 and later).", "Look at the backend's log for the same request (X-ARR-LOG-ID)."
		case 7:
			return "Execute request failure (ARR 3.0.1916 and later).", "Look at the ARR server's event log and a failed-request trace."
		}
		return "Bad Gateway.", "Take a failed-request trace (areas Rewrite, RequestRouting) to see which module set it."
	}
	switch {
	case status == 400 && sub >= 601 && sub <= 606:
		m := map[int]string{601: "bad client request", 602: "invalid time format", 603: "parse range error", 604: "client gone",
			605: "max forwards reached (a routing loop: ARR proxied the request to itself)", 606: "asynchronous completion error"}
		return fmt.Sprintf("ARR 3.0.1916 and later: %s.", m[sub]), "For 400.605, check rewrite rules that route a farm back to the ARR server."
	case status == 404 && sub == 4:
		return "No handler: e.g. a rewrite to an absolute URL while the proxy (system.webServer/proxy enabled) is off.",
			"Enable the proxy, or check the handler mapping."
	case status == 503 && sub == 0:
		return "Service unavailable: the application pool is stopped (on this server) or a backend answered 503.", "Look at the application pool's state and the backend."
	case status == 503 && sub == 2:
		return "Concurrent request limit reached (appConcurrentRequestLimit).", "Look at the server's concurrency limits."
	case status == 500:
		return "Internal server error: passed through from a backend, or raised on this server; ARR counts 5xx as live-traffic failures.",
			"Look at the application's own error log for these URLs."
	case status >= 500:
		return fmt.Sprintf("Server error %d.", status), "Look at the backend that answered it."
	case status >= 400:
		if win32 == 64 {
			return fmt.Sprintf("Client error %d; win32 64 (ERROR_NETNAME_DELETED) means the client went away first, on a backend usually ARR after its timeout.", status), ""
		}
		return fmt.Sprintf("Client error %d.", status), ""
	case status >= 300:
		return fmt.Sprintf("Redirect or not modified (%d).", status), ""
	case status >= 200:
		if win32 == 64 {
			return "Success, but win32 64 (ERROR_NETNAME_DELETED): the client disconnected before the response completed; on a backend behind ARR that is ARR giving up at its timeout.",
				"Compare time-taken with the farm's timeout: these are the backend side of 502.3/12002 on the ARR server."
		}
		return fmt.Sprintf("Success (%d).", status), ""
	}
	return fmt.Sprintf("Status %d.", status), ""
}

func explain5023(win32, p50 int64) (string, string) {
	const pre = "Bad Gateway: Forwarder Connection Error (ARR; the ASP.NET Core Module also uses 502.3): "
	switch win32 {
	case 12002:
		return pre + "ERROR_WINHTTP_TIMEOUT, the request to the backend timed out.",
			"When time-taken is about the farm's protocol timeout (default 30 s), the proxy timeout fired: the backend is slower than the timeout. " +
				"Raise applicationRequestRouting/protocol/@timeout above the backends' tail latency (arrfarm recommend) or make the slow URLs faster; " +
				"the backend's own log shows the same requests (X-ARR-LOG-ID), often with win32 64. Much shorter time-taken means a connect or name-resolution timeout."
	case 12029:
		adv := "A quick failure means the port refused the connection (nothing listening, wrong httpPort/httpsPort, firewall); about 21 s means the host is unreachable."
		return pre + "ERROR_WINHTTP_CANNOT_CONNECT, the connection to the backend failed.", adv
	case 12030:
		return pre + "ERROR_WINHTTP_CONNECTION_ERROR, the connection was reset or aborted mid-response.",
			"The backend closed the connection (Response.Close(), Connection: close, a crash or recycle), or TLS settings do not match."
	case 12031:
		return pre + "ERROR_INTERNET_CONNECTION_RESET, the backend reset the connection.",
			"Look for backend crashes, recycles or a load balancer between ARR and the backend closing idle connections."
	case 12152:
		return pre + "ERROR_WINHTTP_INVALID_SERVER_RESPONSE, the backend's response could not be parsed.",
			"Look at the backend's response headers (e.g. a 307 with Content-Length and no body, oversized headers)."
	case 12007:
		return pre + "ERROR_WINHTTP_NAME_NOT_RESOLVED, a server name could not be resolved.",
			"Check the server addresses of the farm (a farm name used as a host name?) and DNS."
	case 12175, 12157, 12037, 12038, 12045, 12169, 12170, 12057, 12179, 12044:
		return pre + fmt.Sprintf("WinHTTP %d, a TLS or certificate failure talking to an https backend.", win32),
			"Check the backend's certificate (validity, name, issuer trusted by the ARR server) and the TLS versions both sides allow."
	case 12017:
		return pre + "ERROR_WINHTTP_OPERATION_CANCELLED, the request was cancelled (often the client went away).", ""
	}
	if win32 >= 12000 && win32 < 12200 {
		return pre + fmt.Sprintf("WinHTTP error %d.", win32), "Look up the WinHTTP error and take a failed-request trace."
	}
	return pre + "a WinHTTP failure talking to the backend.", "Take a failed-request trace (areas Rewrite, RequestRouting)."
}

// proxyError says whether a line carries ARR's own failure signature:
// 502.3 or 502.4, or a WinHTTP (12xxx) win32 code, which only a proxy logs.
func proxyError(status, sub int, win32 int64) bool {
	return (status == 502 && (sub == 3 || sub == 4)) || (win32 >= 12000 && win32 < 12200)
}
