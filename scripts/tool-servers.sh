#!/usr/bin/env bash
# Real servers for the tools' tests, on 127.0.0.1, with fresh state in DIR each time:
# Radicale (CalDAV over TLS, user alice, password from DIR/alice.password), seeded with events;
# Dovecot (IMAP: imaps:// and imap:// + STARTTLS, the same user and password), seeded with
# mails by scripts/seed_mail.py (MAIL_EXTRA more, default 2000). Dovecot runs as root here
# (its login processes drop to dovenull, mail is owned by nobody).
# A test CA and a leaf for 127.0.0.1/localhost are made with openssl (rustls refuses a
# self-signed CA used as a leaf); clients trust DIR/ca.pem.
#
#   scripts/tool-servers.sh install        Debian packages (radicale, openssl)
#   scripts/tool-servers.sh start DIR      start; writes DIR/env (RADICALE_URL=..., IMAPS_PORT=..., ...)
#   scripts/tool-servers.sh stop DIR       stop what DIR/env names
#
# Seeded events (calendar "work", zone of the events as written; TODAY is the day it runs in
# Europe/Berlin, the zone of the tests' configs):
#   - "Standup": weekly on Thursdays at 10:00 Europe/Berlin from 2026-10-15, 8 times; 22 Oct
#     excluded (EXDATE), 29 Oct moved to 14:00 (RECURRENCE-ID), 5 Nov cancelled
#   - "창립기념일": all day on TODAY; "워크숍": all day 2026-12-01 .. 2026-12-04 (multi-day)
#   - "NY call": 2026-12-10 09:00 America/New_York (another zone)
#   - "Dentist": TODAY 15:00 floating (the user's wall clock)
# and calendar "home": "Birthday" every 15 March (all day, yearly).
set -euo pipefail

cmd=${1:-}
dir=${2:-}

install() {
  local need=()
  for p in radicale dovecot-imapd openssl tzdata; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if [ ${#need[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # policy-rc.d may or may not keep the packaged services from starting: we never use them.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

certs() {
  local d=$1
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Switchboard test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/leaf.key" -out "$d/leaf.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/leaf.ext"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/leaf.ext" -out "$d/leaf.pem" 2>/dev/null
  chmod 600 "$d"/*.key
}

vtimezones() {
  cat <<'EOF'
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
EOF
}

# item COLLECTION_DIR NAME BODY: one .ics with the VCALENDAR around BODY (CRLF line ends).
item() {
  { echo "BEGIN:VCALENDAR"; echo "VERSION:2.0"; echo "PRODID:-//Switchboard tests//EN"; vtimezones; echo "$3"; echo "END:VCALENDAR"; } \
    | sed 's/$/\r/' >"$1/$2.ics"
}

seed() {
  local root=$1/collections/collection-root/alice today
  # "Today" on the clock of the tests' configs (timezone = "Europe/Berlin"): in the machine's
  # zone it would be another day between 23:00 and 24:00 UTC.
  today=$(TZ=Europe/Berlin date +%Y%m%d)
  mkdir -p "$root/work" "$root/home"
  echo '{"C:supported-calendar-component-set": "VEVENT", "D:displayname": "Work", "tag": "VCALENDAR"}' >"$root/work/.Radicale.props"
  echo '{"C:supported-calendar-component-set": "VEVENT", "D:displayname": "Home", "tag": "VCALENDAR"}' >"$root/home/.Radicale.props"
  item "$root/work" standup "BEGIN:VEVENT
UID:standup@seed
DTSTAMP:20261001T000000Z
DTSTART;TZID=Europe/Berlin:20261015T100000
DTEND;TZID=Europe/Berlin:20261015T103000
RRULE:FREQ=WEEKLY;COUNT=8
EXDATE;TZID=Europe/Berlin:20261022T100000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:standup@seed
DTSTAMP:20261001T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261029T100000
DTSTART;TZID=Europe/Berlin:20261029T140000
DTEND;TZID=Europe/Berlin:20261029T143000
SUMMARY:Standup (moved)
END:VEVENT
BEGIN:VEVENT
UID:standup@seed
DTSTAMP:20261001T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20261105T100000
DTSTART;TZID=Europe/Berlin:20261105T100000
DTEND;TZID=Europe/Berlin:20261105T103000
STATUS:CANCELLED
SUMMARY:Standup
END:VEVENT"
  item "$root/work" anniversary "BEGIN:VEVENT
UID:anniversary@seed
DTSTAMP:20261001T000000Z
DTSTART;VALUE=DATE:$today
SUMMARY:창립기념일
END:VEVENT"
  item "$root/work" workshop "BEGIN:VEVENT
UID:workshop@seed
DTSTAMP:20261001T000000Z
DTSTART;VALUE=DATE:20261201
DTEND;VALUE=DATE:20261205
SUMMARY:워크숍
LOCATION:부산
END:VEVENT"
  item "$root/work" nycall "BEGIN:VEVENT
UID:nycall@seed
DTSTAMP:20261001T000000Z
DTSTART;TZID=America/New_York:20261210T090000
DTEND;TZID=America/New_York:20261210T100000
SUMMARY:NY call
END:VEVENT"
  item "$root/work" dentist "BEGIN:VEVENT
UID:dentist@seed
DTSTAMP:20261001T000000Z
DTSTART:${today}T150000
DTEND:${today}T160000
SUMMARY:Dentist
END:VEVENT"
  item "$root/home" birthday "BEGIN:VEVENT
UID:birthday@seed
DTSTAMP:20200101T000000Z
DTSTART;VALUE=DATE:20200315
RRULE:FREQ=YEARLY
SUMMARY:Birthday
END:VEVENT"
}

start() {
  [ -n "$dir" ] || { echo "usage: $0 start DIR" >&2; exit 2; }
  command -v radicale >/dev/null || { echo "radicale is not installed: $0 install" >&2; exit 1; }
  rm -rf "$dir"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  certs "$dir"
  seed "$dir"
  python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$dir/alice.password"
  chmod 600 "$dir/alice.password"
  printf 'alice:%s\n' "$(cat "$dir/alice.password")" >"$dir/users"
  local port
  port=$(free_port)
  cat >"$dir/radicale.conf" <<EOF
[server]
hosts = 127.0.0.1:$port
ssl = True
certificate = $dir/leaf.pem
key = $dir/leaf.key
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[logging]
level = warning
EOF
  radicale --config "$dir/radicale.conf" >"$dir/radicale.log" 2>&1 &
  local pid=$!
  local url="https://127.0.0.1:$port/"
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null --cacert "$dir/ca.pem" "$url"; then
      printf 'RADICALE_URL=%s\nRADICALE_PID=%s\nTOOLS_CA=%s\nRADICALE_PASSWORD_FILE=%s\n' \
        "$url" "$pid" "$dir/ca.pem" "$dir/alice.password" >"$dir/env"
      start_dovecot
      cat "$dir/env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "radicale did not start:" >&2
  cat "$dir/radicale.log" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

start_dovecot() {
  command -v dovecot >/dev/null || { echo "dovecot is not installed: $0 install" >&2; exit 1; }
  local d=$dir/dovecot imap imaps
  imap=$(free_port)
  imaps=$(free_port)
  mkdir -p "$d/run" "$d/state" "$d/home/alice"
  python3 "$(dirname "$0")/seed_mail.py" "$d/mail/alice" "${MAIL_EXTRA:-2000}" >/dev/null
  chown -R nobody:nogroup "$d/mail" "$d/home"
  printf 'alice:{PLAIN}%s\n' "$(cat "$dir/alice.password")" >"$d/passwd"
  chmod 644 "$d/passwd"
  cat >"$d/dovecot.conf" <<CONF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/leaf.pem
ssl_key = <$dir/leaf.key
auth_mechanisms = plain login
disable_plaintext_auth = yes
mail_location = maildir:$d/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
    ssl = yes
  }
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home/%u
}
CONF
  chmod 755 "$dir" "$d"
  dovecot -F -c "$d/dovecot.conf" >"$d/out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $imaps), 1)" 2>/dev/null; then
      printf 'IMAP_PORT=%s\nIMAPS_PORT=%s\nDOVECOT_PID=%s\nMAILDIR=%s\n' "$imap" "$imaps" "$pid" "$d/mail/alice" >>"$dir/env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "dovecot did not start:" >&2
  cat "$d/out.log" "$d/dovecot.log" >&2 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  [ -f "$dir/env" ] || exit 0
  # shellcheck disable=SC1091
  . "$dir/env"
  kill "$RADICALE_PID" 2>/dev/null || true
  [ -z "${DOVECOT_PID:-}" ] || kill "$DOVECOT_PID" 2>/dev/null || true
}

case "$cmd" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
