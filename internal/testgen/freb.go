package testgen

import (
	"fmt"
	"io"
	"time"
)

// TraceSpec describes one generated failed-request trace of a request ARR
// proxied.
type TraceSpec struct {
	URL         string
	Status      int
	SubStatus   int
	StatusAsDot bool  // write statusCode as "502.3" instead of "502"
	ErrorCode   int64 // WinHTTP/Win32 code written as an HRESULT; 0: none
	TimeTaken   int   // ms
	Farm        string
	Server      string // "" leaves out ARR's routing events
	At          time.Time
}

// Trace writes a FREB file for s. The element and event layout follow the
// real traces in shared/corpus/logs (failedRequest attributes, Event/System,
// EventData/Data, RenderingInfo/Opcode). The ARR events' names and data
// fields (ARR_REQUEST_ROUTED: WebFarm, Server, Algorithm, RoutingReason;
// ARR_SERVER_ROUTED: RoutingReason, Server, State, TotalRequests,
// FailedRequests, CurrentRequests, BytesSent, BytesReceived, ResponseTime)
// are those Microsoft's troubleshooting articles quote; no public trace
// with them was available, so their exact order and the error event
// carrying the HRESULT (MODULE_SET_RESPONSE_ERROR_STATUS from module
// ApplicationRequestRouting) are inferred.
func Trace(w io.Writer, s TraceSpec) error {
	status := fmt.Sprint(s.Status)
	if s.StatusAsDot {
		status = fmt.Sprintf("%d.%d", s.Status, s.SubStatus)
	}
	at := s.At.UTC().Format("2006-01-02T15:04:05.000Z")
	_, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" ?>
<?xml-stylesheet type='text/xsl' href='freb.xsl'?>
<failedRequest url="%s"
               siteId="1"
               appPoolId="DefaultAppPool"
               processId="4242"
               verb="GET"
               authenticationType="anonymous"
               activityId="{00000000-0000-0000-0000-000000000001}"
               failureReason="STATUS_CODE"
               statusCode="%s"
               triggerStatusCode="%d"
               timeTaken="%d"
               xmlns:freb="http://schemas.microsoft.com/win/2006/06/iis/freb"
               >
`, s.URL, status, s.Status, s.TimeTaken)
	if err != nil {
		return err
	}
	event := func(name string, data ...string) {
		fmt.Fprintf(w, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
 <System>
  <Provider Name="WWW Server" Guid="{3A2A4E84-4C21-4981-AE10-3FDA0D9B0F83}"/>
  <EventID>0</EventID>
  <Version>1</Version>
  <Level>4</Level>
  <Opcode>1</Opcode>
  <TimeCreated SystemTime="%s"/>
  <Computer>ARR01</Computer>
 </System>
 <EventData>
  <Data Name="ContextId">{00000000-0000-0000-0000-000000000001}</Data>
`, at)
		for i := 0; i+1 < len(data); i += 2 {
			fmt.Fprintf(w, "  <Data Name=%q>%s</Data>\n", data[i], data[i+1])
		}
		fmt.Fprintf(w, ` </EventData>
 <RenderingInfo Culture="en-US">
  <Opcode>%s</Opcode>
 </RenderingInfo>
</Event>
`, name)
	}
	event("GENERAL_REQUEST_START", "RequestURL", s.URL, "RequestVerb", "GET")
	if s.Server != "" {
		event("ARR_REQUEST_ROUTED", "WebFarm", s.Farm, "Server", s.Server, "Algorithm", "WeightedRoundRobin", "RoutingReason", "LoadBalancing")
		event("ARR_SERVER_ROUTED", "RoutingReason", "LoadBalancing", "Server", s.Server, "State", "Active",
			"TotalRequests", "3", "FailedRequests", "1", "CurrentRequests", "1", "BytesSent", "0", "BytesReceived", "0", "ResponseTime", "15")
	}
	if s.ErrorCode != 0 {
		event("MODULE_SET_RESPONSE_ERROR_STATUS", "ModuleName", "ApplicationRequestRouting", "Notification", "EXECUTE_REQUEST_HANDLER",
			"HttpStatus", fmt.Sprint(s.Status), "HttpReason", "Bad Gateway", "HttpSubStatus", fmt.Sprint(s.SubStatus),
			"ErrorCode", fmt.Sprint(0x80070000|s.ErrorCode))
	}
	event("GENERAL_REQUEST_END", "BytesSent", "1024", "BytesReceived", "300", "HttpStatus", fmt.Sprint(s.Status), "HttpSubStatus", fmt.Sprint(s.SubStatus))
	_, err = io.WriteString(w, "</failedRequest>\n")
	return err
}
