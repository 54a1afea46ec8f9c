"""An HTTP-level fake classifier (named as such): a real small model cannot be made to answer
with an attack payload, or to route, on demand. A user message containing "xss" gets a direct
answer full of hostile markup, one containing "link" an answer with links; anything else is
routed to the (real) reasoner. It speaks both of the router's ways: choose-then-write (a
one-token choice with its log-probabilities, then the direct answer as plain streamed text)
and the JSON decision."""
import json
import sys
import time
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

# About 20,000 tokens (80,000 characters) of markdown: paragraphs, lists, code.
def _long():
    parts = []
    for i in range(330):
        parts.append(f"## Part {i}\n\nThe lighthouse keeper wrote entry **{i}** in the log, noting the wind, "
                     f"the swell and the ships that passed in the night, {i + 3} of them, as always.\n")
        # Every sentence differs, and so does every long one's end (the router cuts an answer
        # that says one three times, or ends long sentences alike four times).
        parts.append(f"- item {i}, first, with `code`\n- item {i}, second\n")
        parts.append(f"```python\nfor n in range({i}):\n    print(n)\n```\n")
    return "\n".join(parts)


LONG = _long()


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
        elif "long answer" in text:
            decision = {"action": "direct", "response": LONG}
        elif "link" in text:
            decision = {"action": "direct", "response": LINKS}
        else:
            decision = {"action": "route", "prompt": text}
        if req.get("logprobs"):
            return self.choose(decision["action"])
        # Choose-then-write's second call is plain text; the JSON decision's is JSON.
        plain = not req.get("response_format") and "JSON" not in req["messages"][0]["content"]
        payload = decision.get("response", "") if plain else json.dumps(decision)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        # The long answer at a model's pace (compressed: 24 characters every 5 ms, some 15 s
        # in all), the others at once.
        step, gap = (24, 0.005) if "long answer" in text else (6, 0)
        for i in range(0, len(payload), step):
            chunk = {"choices": [{"index": 0, "delta": {"content": payload[i:i + step]}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            if gap:
                self.wfile.flush()
                time.sleep(gap)
        self.wfile.write(b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')

    def choose(self, label):
        other = "route" if label == "direct" else "direct"
        top = [{"token": label, "logprob": -0.01}, {"token": other, "logprob": -5.0}]
        body = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": label},
                                        "logprobs": {"content": [{"token": label, "logprob": -0.01, "top_logprobs": top}]},
                                        "finish_reason": "length"}],
                           "usage": {"prompt_tokens": 50, "completion_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
