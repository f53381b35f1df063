#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-22 for IMAP, POP3 and SMTP alike: one table of server
# certificates and TLS versions, each served by the scripted server over
# implicit TLS to postie sync (imaps://, pop3s://) and postie send
# (smtps://). Each bad one is refused with its own reason and the client
# sends nothing after the handshake; each good one is accepted (the
# client speaks: CAPABILITY, CAPA or EHLO). A pinned fingerprint accepts
# exactly that certificate and excuses nothing but an unknown issuer.
#
# The certificates, made here:
#   good        from the test CA, SAN localhost and 127.0.0.1
#   expired     from the test CA, valid January 2020
#   notyet      from the test CA, valid from 2090
#   self        self-signed, SAN localhost
#   otherca     from a CA the client was not given
#   wrong       from the test CA, CN localhost, SAN mail.example.net
#   cnonly      from the test CA, CN localhost and no subjectAltName
#   sha1        from the test CA, signed with SHA-1
#   weakkey     from the test CA, a 1024-bit RSA key
#   chain       from an intermediate CA that expired in 2020, served with
#               that intermediate

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C=$TEST_TMP/c
q() { "$@" >/dev/null 2>&1; }

# The certificates make_certs does not make.
cat >"$C/more.cnf" <<'CNF'
[cnonly]
basicConstraints = CA:FALSE
[inter]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[good]
subjectAltName = DNS:localhost, IP:127.0.0.1
CNF
newkey() { # name subject
	q openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$C/$1.key" -out "$C/$1.csr" -subj "$2"
}
# signwith CA NAME EXTENSIONS START END
signwith() {
	q openssl ca -batch -config "$C/ca.cnf" -cert "$C/$1.crt" \
		-keyfile "$C/$1.key" -in "$C/$2.csr" -out "$C/$2.crt" \
		-extensions "$3" -extfile "$C/more.cnf" -notext \
		-startdate "$4" -enddate "$5"
}
now=$(date -u +%Y%m%d%H%M%SZ)
later=$(date -u -d '+20 days' +%Y%m%d%H%M%SZ)
{
	newkey notyet /CN=localhost &&
	signwith ca notyet good 20900101000000Z 20900201000000Z &&
	newkey cnonly /CN=localhost &&
	signwith ca cnonly cnonly "$now" "$later" &&
	q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$C/ca2.key" -out "$C/ca2.crt" -days 30 \
		-subj "/CN=postie other CA" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign &&
	newkey otherca /CN=localhost &&
	signwith ca2 otherca good "$now" "$later" &&
	newkey inter "/CN=postie expired intermediate" &&
	signwith ca inter inter 20200101000000Z 20200201000000Z &&
	newkey chainleaf /CN=localhost &&
	signwith inter chainleaf good "$now" "$later" &&
	cat "$C/chainleaf.crt" "$C/inter.crt" >"$C/chain.crt" &&
	cp "$C/chainleaf.key" "$C/chain.key"
} || bail "cannot make the extra certificates"

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=10
mkdir -p "$HOME"

# One script per protocol: the greeting, then the client's first
# command (which proves the handshake was accepted), then a close.
printf 'send * OK scripted IMAP\nexpect * CAPABILITY\nclose\n' >"$TEST_TMP/imap"
printf 'send +OK scripted POP3\nexpect CAPA\nclose\n' >"$TEST_TMP/pop3"
printf 'send 220 scripted ESMTP\nexpect EHLO *\nclose\n' >"$TEST_TMP/smtp"
FIRST_imap='A1 CAPABILITY'
FIRST_pop3=CAPA
FIRST_smtp=EHLO

# attempt PROTO CERT SRVOPTS RCLINES...: one connection; sets OUT (what
# postie printed) and leaves SRV_LOG.
attempt() {
	proto=$1 cert=$2 srvopts=$3
	shift 3
	rm -rf "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
	# shellcheck disable=SC2086
	start_srv "$TEST_TMP/$proto" --implicit-tls --cert "$C/$cert.crt" \
		--key "$C/$cert.key" $srvopts
	{
		echo '[account "t"]'
		echo '	address = alice@example.org'
		case $proto in
		imap) echo "	receive = imaps://localhost:$SRV_PORT" ;;
		pop3) echo "	receive = pop3s://localhost:$SRV_PORT" ;;
		smtp) echo '	receive = imaps://localhost:1'
		      echo "	send = smtps://localhost:$SRV_PORT" ;;
		esac
		echo '	user = alice'
		echo '	password = s3cret-pw'
		for l in "$@"; do echo "	$l"; done
	} >"$TEST_TMP/rc"
	chmod 600 "$TEST_TMP/rc"
	if [ "$proto" = smtp ]; then
		echo hi | "$POSTIE" -F "$TEST_TMP/rc" send -s tls \
			bob@example.org >"$TEST_TMP/out" 2>&1
	else
		"$POSTIE" -F "$TEST_TMP/rc" sync t >"$TEST_TMP/out" 2>&1
	fi
	OUT=$(cat "$TEST_TMP/out")
	wait_srv
}

spoke() {
	eval "first=\$FIRST_$1"
	grep -qF "C: $first" "$SRV_LOG"
}

# refused PROTO CERT REASON SRVOPTS RCLINES...
refused() {
	proto=$1 cert=$2 want=$3 opts=$4
	shift 4
	attempt "$proto" "$cert" "$opts" "$@"
	like "$OUT" "$want" "$proto: $cert: refused: $want"
	if spoke "$proto"; then
		tap_result 1 "$proto: $cert: nothing sent after the handshake"
		sed 's/^/#   /' "$SRV_LOG"
	else
		tap_result 0 "$proto: $cert: nothing sent after the handshake"
	fi
}
# accepted PROTO CERT SRVOPTS RCLINES...
accepted() {
	proto=$1 cert=$2 opts=$3
	shift 3
	attempt "$proto" "$cert" "$opts" "$@"
	if spoke "$proto"; then
		tap_result 0 "$proto: $cert: accepted"
	else
		tap_result 1 "$proto: $cert: accepted"
		diag "$OUT"
	fi
	unlike "$OUT" "not trusted" "$proto: $cert: no certificate complaint"
}

CA="ca-file = $C/ca.crt"
fp() { echo "tls-fingerprint = $(fingerprint "$C/$1.crt")"; }
for p in imap pop3 smtp; do
	accepted $p good "" "$CA"
	refused $p expired "certificate expired" "" "$CA"
	like "$OUT" "valid from Jan  1 00:00:00 2020 GMT" \
		"$p: expired: gives the dates"
	refused $p notyet "certificate not yet valid" "" "$CA"
	refused $p self "self-signed certificate" "" "$CA"
	like "$OUT" "pin it with tls-fingerprint" "$p: self: says how to pin"
	refused $p otherca "unknown issuer" "" "$CA"
	like "$OUT" "issuer: CN=postie other CA" "$p: otherca: names the issuer"
	refused $p wrong \
		"wrong host: the certificate's names do not include 'localhost'" \
		"" "$CA"
	unlike "$OUT" "no subjectAltName" "$p: wrong: has a subjectAltName"
	refused $p cnonly "wrong host" "" "$CA"
	like "$OUT" "it has no subjectAltName, and the CN is not used" \
		"$p: cnonly: says the certificate has no subjectAltName"
	refused $p sha1 "weak signature algorithm" "--weak" "$CA"
	refused $p weakkey "weak key" "--weak" "$CA"
	refused $p chain "certificate expired" "" "$CA"
	w="certificate expired (at chain depth 1: CN=postie expired"
	w="$w intermediate, valid from Jan  1 00:00:00 2020 GMT to Feb  1"
	like "$OUT" "$w 00:00:00 2020 GMT)" \
		"$p: chain: names the intermediate that expired, with its dates"
	refused $p good "offers no TLS version from 1.2 up" "--max-tls 1.0" "$CA"
	# pins
	accepted $p self "" "$(fp self)"
	accepted $p otherca "" "$CA" "$(fp otherca)"
	refused $p good "does not match the pinned" "" "$CA" "$(fp self)"
	refused $p wrong "wrong host" "" "$(fp wrong)"
	refused $p expired "certificate expired" "" "$(fp expired)"
done

done_testing
