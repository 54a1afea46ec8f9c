"""An HTTP-level fake classifier (named as such): a real small model cannot be made to answer
with an attack payload, or to route, on demand. A user message containing "xss" gets a direct
answer full of hostile markup, one containing "link" an answer with links; anything else is
routed to the (real) reasoner."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ATTACK = (
    "Here you go <script>document.title='pwned'</script> "
    "<img src=x onerror=\"document.title='pwned'\"> "
    "[click me](javascript:document.title='pwned') "
    "<a href=\"javascript:alert(1)\">raw link</a> <b onclick=\"alert(1)\">bold</b>\n\n"
    "```js\nconsole.log('code')\n```"
)

# A phishing link, a scheme-relative and a relative one.
LINKS = (
    "Your session expired. [Sign in again](https://evil.example/login?next=home) "
    "or [here](//evil.example/x) or [there](/etc/passwd)."
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = b'{"data":[{"id":"fake"}]}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        text = req["messages"][-1]["content"]
        if "xss" in text:
            decision = {"action": "direct", "response": ATTACK}
        elif "link" in text:
            decision = {"action": "direct", "response": LINKS}
        else:
            decision = {"action": "route", "prompt": text}
        payload = json.dumps(decision)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        for i in range(0, len(payload), 6):
            chunk = {"choices": [{"index": 0, "delta": {"content": payload[i:i + 6]}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
