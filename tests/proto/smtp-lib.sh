# SPDX-License-Identifier: ISC
#
# Helpers for the SMTP protocol tests: certificates made with openssl, the
# scripted server, a dotfile pointing at it, and `postie send` runs.
# Source after tests/lib.sh.

PROTO_DIR="$TESTS_DIR/proto"
export XDG_DATA_HOME="$TEST_TMP/data"
export XDG_STATE_HOME="$TEST_TMP/state"
export HOME="$TEST_TMP/home"
mkdir -p "$HOME"
# Short waits so that a stalled server costs seconds, not minutes.
export POSTIE_TIMEOUT="${POSTIE_TIMEOUT:-3}"
OUTBOX="$XDG_DATA_HOME/postie/t/outbox"
SENT="$XDG_DATA_HOME/postie/t/sent"

# make_certs DIR: a CA, and server certificates signed by it: good (SAN
# localhost and 127.0.0.1), expired, wrong host; plus a self-signed one.
make_certs() {
	d=$1
	mkdir -p "$d/db"
	: >"$d/db/index.txt"
	echo 01 >"$d/db/serial"
	cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $d/db
database = $d/db/index.txt
serial = $d/db/serial
new_certs_dir = $d/db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[good]
subjectAltName = DNS:localhost, IP:127.0.0.1
[wrong]
subjectAltName = DNS:mail.example.net
CNF
	q="-loglevel error"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 30 \
		-subj "/CN=postie test CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || return 1
	for n in good expired wrong; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -keyout "$d/$n.key" -out "$d/$n.csr" \
			-subj "/CN=localhost" 2>/dev/null || return 1
	done
	sign() { # name extensions start end
		openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.crt" \
			-keyfile "$d/ca.key" -in "$d/$1.csr" -out "$d/$1.crt" \
			-extensions "$2" -extfile "$d/ca.cnf" -notext \
			-startdate "$3" -enddate "$4" >/dev/null 2>&1
	}
	now=$(date -u +%Y%m%d%H%M%SZ)
	later=$(date -u -d '+20 days' +%Y%m%d%H%M%SZ)
	sign good good "$now" "$later" || return 1
	sign expired good 20200101000000Z 20200201000000Z || return 1
	sign wrong wrong "$now" "$later" || return 1
	# weak: a 1024-bit RSA key, and a SHA-1 signature
	openssl req -newkey rsa:1024 -nodes -keyout "$d/weakkey.key" \
		-out "$d/weakkey.csr" -subj "/CN=localhost" 2>/dev/null ||
		return 1
	sign weakkey good "$now" "$later" || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/sha1.key" -out "$d/sha1.csr" \
		-subj "/CN=localhost" 2>/dev/null || return 1
	openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.crt" \
		-keyfile "$d/ca.key" -in "$d/sha1.csr" -out "$d/sha1.crt" \
		-extensions good -extfile "$d/ca.cnf" -notext -md sha1 \
		-startdate "$now" -enddate "$later" >/dev/null 2>&1 || return 1
	# self-signed, for localhost: fine names, unknown issuer
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/self.key" -out "$d/self.crt" -days 30 \
		-subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
}

# fingerprint CERT: its SHA-256 as AA:BB:...
fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

SRV_N=0
# start_srv SCRIPT [scriptsrv options...]: start the scripted server in
# the background; sets SRV_PORT and SRV_LOG.
start_srv() {
	SRV_N=$((SRV_N + 1))
	script=$1
	shift
	SRV_LOG="$TEST_TMP/srv$SRV_N.log"
	pf="$TEST_TMP/srv$SRV_N.port"
	python3 "$PROTO_DIR/scriptsrv.py" --script "$script" --port-file "$pf" \
		--log "$SRV_LOG" "$@" &
	srv_pid=$!
	at_exit "kill $srv_pid 2>/dev/null"
	i=0
	while [ ! -s "$pf" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SRV_PORT=$(cat "$pf" 2>/dev/null)
	[ -n "$SRV_PORT" ] || bail "scripted server did not start"
	SRV_PID=$srv_pid
}

# wait_srv: wait (up to 10 s) for the last server to exit.
wait_srv() {
	i=0
	while kill -0 "$SRV_PID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	:
}

# write_rc URL [extra account lines...]: the dotfile, 0600.
write_rc() {
	url=$1
	shift
	{
		echo '[account "t"]'
		echo '	address = alice@example.org'
		echo '	receive = imaps://127.0.0.1:1'
		echo "	send = $url"
		echo '	user = alice'
		echo '	password = s3cret-pw'
		for l in "$@"; do echo "	$l"; done
	} >"$TEST_TMP/rc"
	chmod 600 "$TEST_TMP/rc"
}

# run_send [send options...]: `postie send` with a small body; sets
# SEND_RC, SEND_ERR (stderr) and SEND_OUT.
run_send() {
	printf 'Hello Bob,\n.\nA line with a dot above.\n' >"$TEST_TMP/body"
	"$POSTIE" -F "$TEST_TMP/rc" send "$@" <"$TEST_TMP/body" \
		>"$TEST_TMP/send.out" 2>"$TEST_TMP/send.err"
	SEND_RC=$?
	SEND_ERR=$(cat "$TEST_TMP/send.err")
	SEND_OUT=$(cat "$TEST_TMP/send.out")
}

count_dir() {
	find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '
}

# in_outbox: number of messages waiting.
in_outbox() {
	count_dir "$OUTBOX/new"
}

in_sent() {
	count_dir "$SENT/cur"
}

# transcript_has TEXT: did the client send a line starting with TEXT?
client_sent() {
	grep -q "^C: $1" "$SRV_LOG"
}
