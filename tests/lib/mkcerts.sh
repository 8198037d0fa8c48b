#!/bin/sh
# mkcerts.sh - a throwaway CA and server certificates for the https probe tests.
#
#     sh mkcerts.sh DIR
#
# Writes into DIR (which must exist):
#   ca.pem              the test CA (what XANET_CA_FILE names)
#   ok.pem ok.key       from the CA, valid 30 days from now, for 127.0.0.1
#   expired.pem/.key    from the CA, valid only in January 2020
#   self.pem/.key       self-signed, valid 30 days
# EC P-256 keys: quick to make and accepted at OpenSSL's default level.
set -eu
d=$1
cd "$d"

cat >ca.cnf <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = xanet test
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
[ca]
default_ca = testca
[testca]
database = $d/index.txt
new_certs_dir = $d
serial = $d/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
EOF
: >index.txt
echo 1000 >serial

ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -config ca.cnf -x509 $ec -keyout ca.key -out ca.pem \
	-days 3650 -subj "/CN=xanet test CA" -extensions v3_ca 2>/dev/null

openssl req -config ca.cnf -new $ec -keyout ok.key -out ok.csr \
	-subj "/CN=127.0.0.1" 2>/dev/null
openssl x509 -req -in ok.csr -CA ca.pem -CAkey ca.key -set_serial 2 \
	-days 30 -extfile ca.cnf -extensions v3_leaf -out ok.pem 2>/dev/null

# x509 -req cannot date a certificate in the past; the ca command can.
openssl req -config ca.cnf -new $ec -keyout expired.key -out expired.csr \
	-subj "/CN=127.0.0.1" 2>/dev/null
openssl ca -config ca.cnf -batch -notext -cert ca.pem -keyfile ca.key \
	-in expired.csr -out expired.pem -extensions v3_leaf \
	-startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null

openssl req -config ca.cnf -x509 $ec -keyout self.key -out self.pem \
	-days 30 -subj "/CN=127.0.0.1" -extensions v3_leaf 2>/dev/null
