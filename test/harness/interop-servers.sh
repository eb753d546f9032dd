#!/usr/bin/env bash
# Starts private, loopback-only Cyrus IMAP, Courier-IMAP, Exim and Sendmail for the interop suite
# (test/harness/interop-servers.ts runs it; recipes from the verified notes of 2026-11-29).
#   interop-servers.sh ROOT DIR BASE CERT KEY USERS...
# ROOT: the unpacked Debian packages (cyrus-common, cyrus-imapd, courier-base, courier-imap,
# exim4-daemon-heavy, sendmail-bin, sendmail-cf), which cannot be apt-installed beside
# dovecot-imapd and postfix.
# USERS: "email:password" pairs. Prints "ready" when every port answers.
# Ports: BASE+200 Cyrus IMAP (STARTTLS), +201 Cyrus IMAPS, +202 Cyrus LMTP,
#        BASE+210 Courier IMAP (STARTTLS), +211 Courier IMAPS,
#        BASE+220 Exim submission (STARTTLS), +221 Exim implicit TLS,
#        BASE+230 Sendmail MSA (STARTTLS), +231 Sendmail MSA implicit TLS.
set -euo pipefail
ROOT=$1 DIR=$2 BASE=$3 CERT=$4 KEY=$5; shift 5
USERS=("$@")
DOMAIN=example.test
P_CY=$((BASE+200)) P_CYS=$((BASE+201)) P_LMTP=$((BASE+202)) P_CO=$((BASE+210)) P_COS=$((BASE+211)) P_EX=$((BASE+220)) P_EXS=$((BASE+221)) P_SM=$((BASE+230)) P_SMS=$((BASE+231))

# ---- Cyrus IMAP 3.6 ------------------------------------------------------------------------
id cyrus >/dev/null 2>&1 || useradd -r -g mail -d /nonexistent -s /usr/sbin/nologin cyrus
C=$DIR/cyrus BIN=$ROOT/cyrus-common/usr/lib/cyrus/bin IBIN=$ROOT/cyrus-imapd/usr/lib/cyrus/bin
mkdir -p $C/lib/{proc,socket,db,log,msg,quota,sieve,user,ptclient,lock} $C/spool $C/tls $C/run
cp "$CERT" $C/tls/cert.pem; cp "$KEY" $C/tls/key.pem
cat > $C/imapd.conf <<CONF
configdirectory: $C/lib
partition-default: $C/spool
servername: mail.example.test
admins: cyrus
virtdomains: userid
defaultdomain: $DOMAIN
unixhierarchysep: yes
altnamespace: yes
hashimapspool: true
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $C/sasldb2
sasl_mech_list: PLAIN LOGIN
allowplaintext: no
tls_server_cert: $C/tls/cert.pem
tls_server_key: $C/tls/key.pem
lmtp_downcase_rcpt: yes
autocreate_post: yes
autocreate_quota: 0
autocreate_inbox_folders: Drafts | Gesendet | Trash | Junk
autocreate_subscribe_folders: Drafts | Gesendet | Trash | Junk
xlist-drafts: Drafts
xlist-sent: Gesendet
xlist-trash: Trash
xlist-junk: Junk
syslog_prefix: cyrus-interop
CONF
cat > $C/cyrus.conf <<CONF
START    { recover cmd="$BIN/ctl_cyrusdb -r -C $C/imapd.conf" }
SERVICES {
  imap  cmd="$IBIN/imapd -C $C/imapd.conf"    listen="127.0.0.1:$P_CY" prefork=0
  imaps cmd="$IBIN/imapd -s -C $C/imapd.conf" listen="127.0.0.1:$P_CYS" prefork=0
  lmtp  cmd="$BIN/lmtpd -a -C $C/imapd.conf"  listen="127.0.0.1:$P_LMTP" prefork=0
}
EVENTS   { checkpoint cmd="$BIN/ctl_cyrusdb -c -C $C/imapd.conf" period=30 }
CONF
# sasldb: "alice@example.test" is looked up as user alice in realm = servername
for u in "${USERS[@]}"; do
  email=${u%%:*} pw=${u#*:}
  printf '%s' "$pw" | saslpasswd2 -p -c -f $C/sasldb2 -u mail.example.test "${email%@*}"
done
chown -R cyrus:mail $C
LD_LIBRARY_PATH=$ROOT/cyrus-common/usr/lib/x86_64-linux-gnu $BIN/master -C $C/imapd.conf -M $C/cyrus.conf -p $C/run/master.pid -d


# ---- Courier-IMAP 5.0 with authdaemond + userdb (courier-authlib from apt) ------------------
# authlib compiles its paths in: authdaemond reads /etc/courier/authdaemonrc, the userdb module
# /etc/courier/userdb.dat, and imaplogin asks /run/courier/authdaemon/socket (no option or
# variable moves them). So this part runs in a private mount namespace (unshare -m) where those
# two directories are bind mounts of this run's own: its authdaemond, user table and socket are
# seen by its own imaplogin only, and the system's /etc/courier is left untouched. The daemons
# stay in that namespace after the shell that made it exits.
O=$DIR/courier CB=$ROOT/courier-base CI=$ROOT/courier-imap
# the Sent folder has a Japanese name: Courier has no SPECIAL-USE, so the product must know it by name
COURIER_SENT="送信済みアイテム"
mkdir -p $O/mail $O/run $O/tlscache $O/etc $O/authdaemon /run/courier/authdaemon
# STARTTLS runs couriertls as user courier: its session cache must be writable by it
chown courier:courier $O/tlscache
sed -e 's/^authmodulelist=.*/authmodulelist="authuserdb"/' -e 's|^authdaemonvar=.*|authdaemonvar=/run/courier/authdaemon|' \
  /etc/courier/authdaemonrc > $O/etc/authdaemonrc
chown root:courier $O/etc/authdaemonrc; chmod 640 $O/etc/authdaemonrc
chown daemon:daemon $O/authdaemon; chmod 750 $O/authdaemon
cat "$KEY" "$CERT" > $O/imapd.pem
DH=$(dirname "$ROOT")/dhparams.pem
[ -s "$DH" ] || openssl dhparam -dsaparam -out "$DH" 2048 2>/dev/null
cp "$DH" $O/dhparams.pem
chown courier:courier $O/imapd.pem $O/dhparams.pem; chmod 600 $O/imapd.pem $O/dhparams.pem
cat > $O/env.sh <<CONF
$(grep -E '^[A-Z_]+=' $CI/etc/courier/imapd)
IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE"
IMAP_CAPABILITY_TLS="\$IMAP_CAPABILITY AUTH=PLAIN"
IMAP_STARTTLS=YES
IMAP_TLS_REQUIRED=1
IMAPACCESSFILE=$O/imapaccess
COURIERTLS=$CB/usr/bin/couriertls
TLS_CERTFILE=$O/imapd.pem
TLS_DHPARAMS=$O/dhparams.pem
TLS_PROTOCOL=TLSv1.2+
TLS_STARTTLS_PROTOCOL=TLSv1.2+
TLS_VERIFYPEER=NONE
TLS_CACHEFILE=$O/tlscache/starttls
IMAP_SHAREDINDEXFILE=$O/shared-index
CONF
cat > $O/env-imaps.sh <<CONF
IMAP_STARTTLS=NO
IMAP_TLS_REQUIRED=0
IMAP_TLS=1
TLS_CACHEFILE=$O/tlscache/imaps
CONF
courier_private() {
  set -euo pipefail
  mount --bind $O/etc /etc/courier
  mount --bind $O/authdaemon /run/courier/authdaemon
  local u email pw H
  for u in "${USERS[@]}"; do
    email=${u%%:*} pw=${u#*:} H=$O/mail/${email%@*}
    mkdir -p $H
    $CB/usr/bin/maildirmake.courier $H/Maildir
    for f in "$COURIER_SENT" Drafts Trash; do $CB/usr/bin/maildirmake.courier -f "$f" $H/Maildir; done
    userdb "$email" set uid=8 gid=8 home=$H mail=$H/Maildir
    printf '%s\n%s\n' "$pw" "$pw" | userdbpw -md5 | userdb "$email" set imappw
  done
  chown -R mail:mail $O/mail
  makeuserdb
  # authdaemond stays in the foreground since authlib 0.70 and writes no pid file: background it
  setsid /usr/lib/courier/courier-authlib/authdaemond </dev/null >$O/authdaemond.log 2>&1 &
  echo $! > $O/run/authdaemond.pid
  for i in $(seq 50); do [ -S /run/courier/authdaemon/socket ] && break; sleep 0.1; done
  courier_start imap $P_CO
  courier_start imaps $P_COS $CB/usr/bin/couriertls -server -tcpd
}
courier_start() { # name port [couriertls...]
  local n=$1 port=$2; shift 2
  env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin bash -c "set -a; . $O/env.sh; [ -f $O/env-$n.sh ] && . $O/env-$n.sh; set +a; exec $CB/usr/sbin/couriertcpd -address=127.0.0.1 -maxprocs=40 -maxperip=40 -nodnslookup -noidentlookup -pid=$O/run/$n.pid $port $* $CI/usr/lib/courier/courier/imaplogin $CI/usr/bin/imapd Maildir" >$O/$n.log 2>&1
}
export O CB CI COURIER_SENT P_CO P_COS
export -f courier_private courier_start
USERS_LIST=$(printf '%s\n' "${USERS[@]}") unshare --mount --propagation private bash -c 'mapfile -t USERS <<<"$USERS_LIST"; courier_private'

# ---- Exim 4.96 (exim4-daemon-heavy): submission with AUTH after TLS; delivers every local
# address to Cyrus (LMTP) and a copy into the user's Courier Maildir; nothing leaves ------------
getent group Debian-exim >/dev/null || groupadd -r Debian-exim
id Debian-exim >/dev/null 2>&1 || useradd -r -g mail -d /nonexistent -s /usr/sbin/nologin Debian-exim
X=$DIR/exim XBIN=$ROOT/exim4-daemon-heavy/usr/sbin/exim4
mkdir -p $X/spool $X/log
cp "$CERT" $X/cert.pem; cp "$KEY" $X/key.pem
: > $X/passwd
LOCALS=
for u in "${USERS[@]}"; do
  email=${u%%:*} pw=${u#*:}
  printf '%s: %s\n' "$email" "$pw" >> $X/passwd
  LOCALS="$LOCALS${LOCALS:+ : }${email%@*}"
done
cat > $X/exim.conf <<CONF
exim_path = $XBIN
exim_user = mail
exim_group = mail
never_users =
primary_hostname = mail.example.test
qualify_domain = $DOMAIN
domainlist local_domains = $DOMAIN
spool_directory = $X/spool
log_file_path = $X/log/%slog
pid_file_path = $X/exim.pid
daemon_smtp_ports = $P_EX : $P_EXS
local_interfaces = <; 127.0.0.1.$P_EX ; 127.0.0.1.$P_EXS
tls_on_connect_ports = $P_EXS
tls_advertise_hosts = *
tls_certificate = $X/cert.pem
tls_privatekey = $X/key.pem
acl_smtp_mail = acl_check_mail
acl_smtp_rcpt = acl_check_rcpt
host_lookup =
begin acl
acl_check_mail:
  deny message = authentication required
       !authenticated = *
  accept
acl_check_rcpt:
  accept authenticated = *
         control = submission/sender_retain
  deny   message = relay not permitted
begin routers
catchall:
  driver = redirect
  domains = ! +local_domains
  data = catchall@$DOMAIN
courier_copy:
  driver = accept
  domains = +local_domains
  local_parts = $LOCALS
  unseen
  transport = courier_maildir
cyrus:
  driver = manualroute
  domains = +local_domains
  local_parts = $LOCALS
  route_list = * 127.0.0.1
  self = send
  transport = cyrus_lmtp
drop:
  driver = redirect
  data = :blackhole:
begin transports
cyrus_lmtp:
  driver = smtp
  protocol = lmtp
  port = $P_LMTP
  allow_localhost
courier_maildir:
  driver = appendfile
  directory = $O/mail/\${local_part_data}/Maildir
  maildir_format
  user = mail
  group = mail
  mode = 0600
begin retry
*   *   F,2h,1m
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_advertise_condition = \${if def:tls_in_cipher}
  server_condition = \${if eq{\$auth3}{\${lookup{\$auth2}lsearch{$X/passwd}{\$value}fail}}}
  server_set_id = \$auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_advertise_condition = \${if def:tls_in_cipher}
  server_condition = \${if eq{\$auth2}{\${lookup{\$auth1}lsearch{$X/passwd}{\$value}fail}}}
  server_set_id = \$auth1
CONF
chown -R mail:mail $X; chown root:root $X/exim.conf; chmod 644 $X/exim.conf  # exim refuses a -C file it does not trust
setsid $XBIN -C $X/exim.conf -bdf -q5s </dev/null >$X/daemon.log 2>&1 &
echo $! > $X/daemon.pid

# ---- Sendmail 8.17 (sendmail-bin; the .mc compiled with sendmail-cf's m4 macros): the third
# submission server. Why Sendmail and not Courier's MTA: courier-mta's submit and courierd have
# /etc/courier, their queue (/var/lib/courier/tmp, msgq) and modules (/usr/lib/courier) compiled
# in, so it could only run as the machine's one Courier; sendmail takes its whole configuration from
# `-C file`, and the file names every other path (queue, pid, hosts, TLS files, SASL config via
# the E line). OpenSMTPD 6.8 fails TLS with OpenSSL 3 and dma does not listen. MSA ports with
# AUTH (Cyrus SASL, PLAIN/LOGIN from this run's sasldb) offered only after TLS, like the others;
# everything it accepts is relayed over LMTP to the harness's Dovecot, nothing leaves.
M=$DIR/sendmail SMBIN=$ROOT/sendmail-bin/usr/libexec/sendmail/sendmail
mkdir -p $M/queue $M/tls
cp "$CERT" $M/tls/cert.pem; cp "$KEY" $M/tls/key.pem
printf 'hosts files\naliases files\n' > $M/service.switch
printf '127.0.0.1 localhost mail.example.test\n' > $M/hosts
cat > $M/Sendmail.conf <<CONF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $M/sasldb2
mech_list: PLAIN LOGIN
CONF
# PLAIN "alice@example.test" is looked up as user alice in realm example.test
for u in "${USERS[@]}"; do
  email=${u%%:*} pw=${u#*:}
  printf '%s' "$pw" | saslpasswd2 -p -c -f $M/sasldb2 -u "${email#*@}" "${email%@*}"
done
cat > $M/sendmail.mc <<MC
include(\`$ROOT/sendmail-cf/usr/share/sendmail/cf/m4/cf.m4')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`mail.example.test')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
dnl the run's directory is under /tmp (sticky, world-writable): trust the sticky bit for its files
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`QUEUE_DIR', \`$M/queue')dnl
define(\`STATUS_FILE', \`$M/statistics')dnl
define(\`confPID_FILE', \`$M/sendmail.pid')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confSERVICE_SWITCH_FILE', \`$M/service.switch')dnl
define(\`confHOSTS_FILE', \`$M/hosts')dnl
define(\`confCW_FILE', \`-o $M/local-host-names')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
dnl p: no plain-text mechanisms before TLS; y: no anonymous
define(\`confAUTH_OPTIONS', \`A p y')dnl
define(\`confCACERT_PATH', \`$M/tls')dnl
define(\`confCACERT', \`$M/tls/cert.pem')dnl
define(\`confSERVER_CERT', \`$M/tls/cert.pem')dnl
define(\`confSERVER_KEY', \`$M/tls/key.pem')dnl
define(\`confTLS_SRV_OPTIONS', \`V')dnl
dnl every recipient goes to Dovecot's LMTP (flag z: speak LMTP on the relay connection)
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $((BASE+24))')dnl
define(\`RELAY_MAILER_FLAGS', \`z')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
dnl M=a: AUTH required; M=s: TLS on connect; E: no ETRN
DAEMON_OPTIONS(\`Family=inet, Addr=127.0.0.1, Port=$P_SM, Name=MSA, M=Ea')dnl
DAEMON_OPTIONS(\`Family=inet, Addr=127.0.0.1, Port=$P_SMS, Name=MSA-TLS, M=Eas')dnl
LOCAL_CONFIG
dnl libsasl2 finds Sendmail.conf through this (sendmail clears the environment it was given)
ESASL_CONF_PATH=$M
MAILER(\`smtp')dnl
MC
m4 $M/sendmail.mc > $M/sendmail.cf
chmod 700 $M/queue; chmod 600 $M/sasldb2 $M/tls/key.pem
# sendmail wants a qualified name for this host before it reads any configuration, and sleeps a
# minute when the machine's is unqualified ("vm"): give it one in a private UTS namespace
unshare --uts sh -c "hostname mail.example.test; exec env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin $SMBIN -C $M/sendmail.cf -bd -q5s"

# ready when every port answers
for p in $P_CY $P_CYS $P_LMTP $P_CO $P_COS $P_EX $P_EXS $P_SM $P_SMS; do
  for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
  (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "port $p did not open" >&2; exit 1; }
done
echo ready
