# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_smtpcheck_global_optspecs
    string join \n h/help V/version
end

function __fish_smtpcheck_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_smtpcheck_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_smtpcheck_using_subcommand
    set -l cmd (__fish_smtpcheck_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -s V -l version -d 'Print version'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "probe" -d 'Run every step: MX, connect, greeting, EHLO, MAIL FROM and RCPT TO (never DATA)'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "mx" -d 'Look up MX records and the addresses of every exchange (DNS only)'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "policy" -d 'The domain\'s mail policy without SMTP: DNSSEC, DANE records, MTA-STS, TLS-RPT, SPF, DMARC (plus MX and addresses)'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "blocklist" -d 'Ask DNS block lists about IPv4 addresses or domains (a default set of widely used public lists, or --list)'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "connect" -d 'Stop after the TCP connection to every exchange address'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "banner" -d 'Stop after reading every exchange\'s greeting'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "ehlo" -d 'Stop after EHLO: show every exchange\'s capabilities'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "tls" -d 'Stop after STARTTLS: the TLS session and the certificate of every exchange'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "scan" -d 'Probe many targets (one per line) and print one JSON report per line as each finishes'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "send" -d 'Deliver one real test message (DATA) to the MX of the recipient\'s domain, or to --server'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "session" -d 'Talk SMTP by hand, like telnet to port 25, with TLS in place, AUTH encoding and every reply explained'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "serve" -d 'Serve a Prometheus exporter (GET /probe?target=DOMAIN) and a web page for the helpdesk (GET /)'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "explain" -d 'Explain a reply code (550), an enhanced status code (5.7.1), a reply, or a whole bounce (-: stdin), with the likely cause'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c smtpcheck -n "__fish_smtpcheck_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand probe" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand mx" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l ca-file -d 'Extra trust anchors (PEM) for the MTA-STS policy host\'s certificate' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand policy" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l list -d 'Ask this list zone instead of the default set (repeatable), e.g. zen.spamhaus.org' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand blocklist" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand connect" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand banner" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand ehlo" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand tls" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -s j -l jobs -d 'Targets probed at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l per-ip -d 'Most connections to one IP address at a time, across all targets (politeness)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l shard -d 'Take only share K of N of the input (0 <= K < N), by a stable hash of the domain' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -s o -l output -d 'Write the JSON Lines here instead of stdout' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l transport-policy -d 'Also run DNSSEC, DANE, MTA-STS, TLS-RPT and the sender simulation for every target (off in scan: they double the DNS questions per target)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand scan" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l to -d 'Recipient (repeat for more); the first one\'s domain is where the message goes, unless --server' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l cc -d 'Copy recipient, shown in the Cc: header (repeatable)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l bcc -d 'Blind copy recipient, in the envelope only (repeatable)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l subject -d 'Subject of the test message' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l body -d 'Body text' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l body-file -d 'Body from a file, or - for stdin' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l header -d 'An extra header, "Name: value" (repeatable)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l notify -d 'Ask for delivery status notifications when the server offers DSN (RFC 3461): never, or a list of success,failure,delay' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l server -d 'Probe this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l port -d 'Port to connect to on every exchange' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l source -d 'Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l sni -d 'TLS server name (SNI) to send instead of the exchange\'s name; the certificate is still checked against the exchange\'s name, as senders do' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l helo -d 'Name to introduce ourselves with in EHLO/HELO [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l from -d 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l rcpt -d 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l quit-after -d 'Stop cleanly with QUIT after this phase (swaks\'s --quit-after); later phases show as skip' -r -f -a "connect\t''
banner\t''
ehlo\t''
tls\t''
auth\t''
mail\t''
rcpt\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l retry-greylist -d 'After a greylisting reply, wait this many seconds and try once more on a new connection' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l concurrency -d 'Most connections open at once' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l auth-user -d 'Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l auth-mech -d 'AUTH mechanism [default: the strongest both sides have]' -r -f -a "plain\t''
login\t''
cram-md5\t''
xoauth2\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l password-file -d 'Read the password (first line) from this file' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l mta-sts-port -d 'The MTA-STS policy host\'s HTTPS port: RFC 8461 fixes 443; another port is for labs and tests' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l tls -d 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "auto\t''
require\t''
off\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l cert-warn-days -d 'Warn when the certificate expires within this many days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l cert-days -d 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l resolver -d 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l timeout -d 'Longest wait for any one step (DNS answer, connect, each reply), in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l deadline -d 'Longest the whole run may take, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l dnssec-anchor -d 'Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root\'s anchors always apply' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l format -d 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata' -r -f -a "human\t''
json\t''
nagios\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l warning -d 'Warn when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l critical -d 'Fail when the whole run takes longer than this many seconds (monitoring threshold)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l chunking -d 'Send the message with BDAT instead of DATA when the server offers CHUNKING (RFC 3030)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -s 4 -l ipv4 -d 'Only IPv4: probe the A addresses of every exchange, leave out AAAA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -s 6 -l ipv6 -d 'Only IPv6: probe the AAAA addresses of every exchange, leave out A'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l relay-test -d 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l vrfy -d 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l policy -d 'Also check the domain\'s SPF and DMARC records'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l no-transport-policy -d 'Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l allow-plaintext-auth -d 'Send credentials even without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l submission -d 'Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l require-tls -d 'Short for --tls require'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l tls-injection-test -d 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l tls-scan -d 'Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl\'s terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l allow-private -d 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -l json -d 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -s v -l verbose -d 'Print the SMTP transcript of every conversation (-> sent, <- received)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand send" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l server -d 'Talk to this host instead of the domain\'s MX: a name or IP, with an optional port ([::1]:2525)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l port -d 'Port to connect to' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l sni -d 'TLS server name (SNI) to send on STARTTLS instead of the exchange\'s name' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l helo -d 'The name `:headers` puts in the Message-ID (type EHLO yourself) [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l tls -d 'starttls: plaintext first, STARTTLS when you type it; implicit: TLS from the first byte (also the default on port 465)' -r -f -a "starttls\t''
implicit\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l ca-file -d 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l resolver -d 'Ask this DNS server instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l timeout -d 'Longest wait for a DNS answer, the connection, or any one reply, in seconds' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l transcript -d 'Write the transcript here when the session ends (secrets as ****)' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l history -d 'The line editor\'s history file [default: $XDG_STATE_HOME/smtpcheck/session_history, or ~/.local/state/...]' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l color -d 'When to use colour: auto means only on a terminal and when NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -s 4 -l ipv4 -d 'Only IPv4 addresses'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -s 6 -l ipv6 -d 'Only IPv6 addresses'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l allow-plaintext-auth -d 'Let the AUTH helper send credentials without TLS (anyone on the path can read them)'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l json -d 'Print one JSON document at the end: every command, its reply and explanation, and the transcript'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -l no-history -d 'Keep no history of this session'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand session" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l listen -d 'Address and port to listen on; anything but loopback exposes the exporter to that network' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l config -d 'Modules (named option sets, TOML; README, "Monitoring with Prometheus"); SIGHUP reloads it' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l max-concurrent -d 'Most probes running at once; requests beyond get 503' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l rate -d 'Requests per client address per minute; more get 429' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l cache -d 'Seconds a result is served again for the same target and module (0: never)' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l allow -d 'Probe only this domain and its subdomains (repeat for more); without it, any domain' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l helo -d 'The HELO name for modules that give none [default: this machine\'s host name]' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l ca-file -d 'Extra trust anchors (PEM) besides the built-in public roots' -r -F
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l resolver -d 'Ask this DNS server instead of the system resolver' -r
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -l allow-private -d 'Connect to MX addresses in private, loopback or reserved ranges (labs); off, such addresses are never contacted'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand serve" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand explain" -l json -d 'Print one JSON document'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand explain" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand completions" -s h -l help -d 'Print help'
complete -c smtpcheck -n "__fish_smtpcheck_using_subcommand man" -s h -l help -d 'Print help'
