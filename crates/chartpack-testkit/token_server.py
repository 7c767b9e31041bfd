"""A small bearer-token server for tests, following the distribution token specs.

Spec: https://distribution.github.io/distribution/spec/auth/token/ (GET) and
https://distribution.github.io/distribution/spec/auth/oauth/ (OAuth2 POST).

It generates its own ES256 key and self-signed certificate at start (the key stays in memory;
the certificate goes to DIR/cert.pem for the registry's `rootcertbundle`), binds 127.0.0.1 on
the given port (0: any free one), prints `READY <port>` on stdout once it serves, and appends
one tab-separated line per request to DIR/token.log:

    method  path  authorization-kind  user  status  grant_type  scopes(space-separated)  service  offline  client_id

Never a password, a refresh token or an access token. The password comes from the
environment variable CHARTPACK_TOKEN_PASSWORD, so it is not on the command line.

Usage: python token_server.py --dir DIR --user USER [--port 0] [--issuer ISS] [--expires-in S]
"""

import argparse
import base64
import datetime
import json
import os
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

MAX_BODY = 64 << 10


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--issuer", default="chartpack-test-issuer")
    p.add_argument("--expires-in", type=int, default=300)
    return p.parse_args()


def make_key_and_cert():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chartpack-test-token")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def parse_scope(scope):
    """`type:name:actions`; the name may itself hold colons (a host:port), the actions never do."""
    kind, sep, rest = scope.partition(":")
    name, sep2, actions = rest.rpartition(":")
    if not sep or not sep2 or not kind or not name:
        return None
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


def main():
    args = parse_args()
    password = os.environ.get("CHARTPACK_TOKEN_PASSWORD", "")
    key, cert = make_key_and_cert()
    cert_path = os.path.join(args.dir, "cert.pem")
    with open(cert_path + ".tmp", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(cert_path + ".tmp", cert_path)
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    log_file = open(os.path.join(args.dir, "token.log"), "a", encoding="utf-8")
    lock = threading.Lock()
    refresh_tokens = {}  # refresh token -> user

    def issue(user, service, scopes):
        access = []
        if user:
            for s in scopes:
                parsed = parse_scope(s)
                if parsed:
                    access.append(parsed)
        now = int(time.time())
        claims = {
            "iss": args.issuer,
            "sub": user or "",
            "aud": service,
            "iat": now,
            "nbf": now - 5,
            "exp": now + args.expires_in,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        token = jwt.encode(claims, key, algorithm="ES256", headers={"x5c": x5c})
        issued_at = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return token, issued_at

    def new_refresh_token(user):
        tok = secrets.token_hex(24)
        with lock:
            refresh_tokens[tok] = user
        return tok

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_request_line(self, status, auth_kind, user="", grant="", scopes=(), service="", offline=False,
                             client_id=""):
            path = urlparse(self.path).path
            fields = [self.command, path, auth_kind, user, str(status), grant, " ".join(scopes), service,
                      "true" if offline else "false", client_id]
            line = "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields)
            with lock:
                log_file.write(line + "\n")
                log_file.flush()

        def auth_kind(self):
            a = self.headers.get("Authorization")
            if a is None:
                return "none"
            scheme = a.split(" ", 1)[0].lower()
            return scheme if scheme in ("basic", "bearer") else "other"

        def reply(self, status, obj, extra_headers=()):
            body = json.dumps(obj).encode() if obj is not None else b""
            self.send_response(status)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "WWW-Authenticate")
            for k, v in extra_headers:
                self.send_header(k, v)
            if obj is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def unauthorized(self, **log):
            self.log_request_line(401, **log)
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required",
                                         "detail": None}]},
                       [("WWW-Authenticate", 'Basic realm="chartpack-test-token"')])

        def not_token_path(self):
            return urlparse(self.path).path != "/token"

        def do_OPTIONS(self):  # CORS preflight for browser clients
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.log_request_line(204, self.auth_kind())
            self.end_headers()

        def do_GET(self):
            kind = self.auth_kind()
            if self.not_token_path():
                self.log_request_line(404, kind)
                self.reply(404, {"error": "not_found"})
                return
            q = parse_qs(urlparse(self.path).query)
            scopes = [s for v in q.get("scope", []) for s in v.split(" ") if s]
            service = q.get("service", [""])[0]
            offline = q.get("offline_token", ["false"])[0].lower() == "true"
            client_id = q.get("client_id", [""])[0]
            log = dict(auth_kind=kind, scopes=scopes, service=service, offline=offline, client_id=client_id)
            user = ""
            a = self.headers.get("Authorization", "")
            if kind == "basic":
                try:
                    u, _, p = base64.b64decode(a.split(" ", 1)[1].strip()).decode().partition(":")
                except Exception:
                    u, p = None, None
                if u != args.user or p != password:
                    self.unauthorized(**log)
                    return
                user = u
            elif kind != "none":
                self.unauthorized(**log)
                return
            token, issued_at = issue(user, service, scopes)
            out = {"token": token, "access_token": token, "expires_in": args.expires_in, "issued_at": issued_at}
            if offline and user:
                out["refresh_token"] = new_refresh_token(user)
            self.log_request_line(200, user=user, **log)
            self.reply(200, out)

        def do_POST(self):
            kind = self.auth_kind()
            length = int(self.headers.get("Content-Length") or 0)
            if self.not_token_path() or length > MAX_BODY:
                status = 404 if self.not_token_path() else 413
                self.close_connection = True  # an unread body would be parsed as the next request
                self.log_request_line(status, kind)
                self.reply(status, {"error": "not_found" if status == 404 else "too_large"})
                return
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            grant = form.get("grant_type", [""])[0]
            scopes = [s for v in form.get("scope", []) for s in v.split(" ") if s]
            service = form.get("service", [""])[0]
            offline = form.get("access_type", ["online"])[0] == "offline"
            client_id = form.get("client_id", [""])[0]
            log = dict(auth_kind=kind, grant=grant, scopes=scopes, service=service, offline=offline,
                       client_id=client_id)
            if grant == "password":
                u, p = form.get("username", [None])[0], form.get("password", [None])[0]
                if u is None or p is None:
                    self.log_request_line(400, **log)
                    self.reply(400, {"error": "invalid_request"})
                    return
                if u != args.user or p != password:
                    self.unauthorized(**log)
                    return
                user = u
            elif grant == "refresh_token":
                rt = form.get("refresh_token", [""])[0]
                with lock:
                    user = refresh_tokens.get(rt)
                if not user:
                    self.unauthorized(**log)
                    return
            else:
                self.log_request_line(400, **log)
                self.reply(400, {"error": "unsupported_grant_type"})
                return
            token, issued_at = issue(user, service, scopes)
            out = {"token": token, "access_token": token, "expires_in": args.expires_in, "issued_at": issued_at,
                   "scope": " ".join(scopes)}
            if offline:
                out["refresh_token"] = new_refresh_token(user)
            self.log_request_line(200, user=user, **log)
            self.reply(200, out)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("READY %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
