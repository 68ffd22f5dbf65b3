package diagnose

import "fmt"

// explain returns what a (status, substatus, win32) group means and what to
// look at, after arr-reference.md section 5 and Microsoft's
// "Troubleshooting 502 errors in ARR". p50 is the group's median
// time-taken in ms (-1 unknown); arrBox says whether the log is an ARR
// server's (it has ARR's own failures), which decides who "the client"
// of a win32 64 is.
func explain(status, sub int, win32 int64, p50 int64, arrBox bool) (meaning, advice string) {
	if status == notLogged {
		return "This log has no sc-status field, so the status of these requests is unknown.",
			"Log HTTP status, substatus and Win32 status (logExtFileFlags HttpStatus, HttpSubStatus, Win32Status; fields sc-status, sc-substatus, sc-win32-status)."
	}
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
	meaning, advice = explainStatus(status, sub)
	if note, adv := explainWin32(status, win32, p50, arrBox); note != "" {
		meaning += " " + note
		if adv != "" {
			advice = adv
		}
	}
	return meaning, advice
}

// explainStatus says what a status other than 502 means.
func explainStatus(status, sub int) (string, string) {
	switch {
	case status == 400 && sub >= 601 && sub <= 606:
		m := map[int]string{601: "bad client request", 602: "invalid time format", 603: "parse range error", 604: "client gone",
			605: "max forwards reached (a routing loop: ARR proxied the request to itself)", 606: "asynchronous completion error"}
		return fmt.Sprintf("ARR 3.0.1916 and later: %s.", m[sub]), "For 400.605, check rewrite rules that route a farm back to the ARR server."
	case status == 403 && sub == 14:
		return "Forbidden: directory listing denied (403.14): the URL is a folder with no default document, and directory browsing is off.",
			"Add a default document or link to a page. Behind ARR: this server answered the request itself, so no rewrite rule routed it to the farm (check the rule's pattern and conditions for this URL)."
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
		return fmt.Sprintf("Client error %d.", status), ""
	case status == 304:
		return "Not modified (304): the client's cached copy is current; no body was sent.", ""
	case status >= 300:
		return fmt.Sprintf("Redirect (%d).", status), ""
	case status >= 200:
		return fmt.Sprintf("Success (%d).", status), ""
	}
	return fmt.Sprintf("Status %d.", status), ""
}

// explainWin32 says what a group's win32 code adds, tied to time-taken
// and to whose log it is. Names are Microsoft's system error codes; what
// they mean in an IIS log is arr-reference.md section 5.3 (how sure each
// is: docs/architecture.md).
func explainWin32(status int, win32, p50 int64, arrBox bool) (note, advice string) {
	switch win32 {
	case 64:
		const name = "win32 64 (ERROR_NETNAME_DELETED): the client closed the connection before the response was complete"
		switch {
		case arrBox:
			return name + "; this is the ARR server's log, so the client is the browser or the load balancer in front, which gave up or moved on.", ""
		case p50 >= 0 && p50 < 1000:
			return fmt.Sprintf("%s. At a median of %s that is not a proxy timeout (ARR's timeout is at least 1 s, 30 s by default): the client went away (navigation, a cancelled download, a probe that closes early).", name, ms(p50)), ""
		case p50 >= 20000:
			return fmt.Sprintf("%s. At a median of %s, if ARR sends this server its requests, ARR gave up at its timeout (30 s by default): the backend side of 502.3 / 12002 on the ARR server.", name, ms(p50)),
				"Compare time-taken with the farm's protocol timeout; the ARR server's log shows the same requests as 502.3 / 12002 (X-ARR-LOG-ID correlates them)."
		}
		return name + ": the client went away, or, if ARR sends this server its requests and time-taken matches the farm's timeout, ARR gave up.", ""
	case 1236:
		return "win32 1236 (ERROR_CONNECTION_ABORTED, \"the network connection was aborted by the local system\"): this server ended the connection before the response was complete, because the application aborted it or HTTP.sys did after the client reset or stalled.",
			"The response did not reach the client whole. Look at HTTP.sys's error log (httperr*.log) at the same times for Timer_MinBytesPerSecond or Connection_Dropped, and at the application for aborted responses."
	case 995:
		return "win32 995 (ERROR_OPERATION_ABORTED): the send was cancelled, usually because the client disconnected or the request was ended before the send completed.", ""
	case 121:
		return "win32 121 (ERROR_SEM_TIMEOUT): a send to the client timed out (a slow or vanished client).", ""
	case 1229:
		return "win32 1229 (ERROR_CONNECTION_INVALID): the connection was already gone when IIS wrote to it; on a backend behind ARR, ARR had dropped it.", ""
	case 2:
		return "win32 2 (ERROR_FILE_NOT_FOUND): the file does not exist.", ""
	case 3:
		return "win32 3 (ERROR_PATH_NOT_FOUND): the folder does not exist.", ""
	case 5:
		return "win32 5 (ERROR_ACCESS_DENIED): the file system refused access.", "Look at the NTFS permissions of the application pool's identity."
	case 1326:
		return "win32 1326 (ERROR_LOGON_FAILURE): the user name or password was wrong.", ""
	case 0x8009030E:
		return "win32 0x8009030E (SEC_E_NO_CREDENTIALS): the client had not sent credentials yet, the first leg of Negotiate/NTLM authentication.", ""
	}
	if win32 >= 12000 && win32 < 12200 && status != 502 {
		return fmt.Sprintf("win32 %d is a WinHTTP code: this line was written by a proxy (ARR) talking to a backend.", win32), ""
	}
	return "", ""
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
