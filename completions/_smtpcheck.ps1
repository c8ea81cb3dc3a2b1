
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'smtpcheck' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'smtpcheck'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'smtpcheck' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Run every step: MX, connect, greeting, EHLO, MAIL FROM and RCPT TO (never DATA)')
            [CompletionResult]::new('mx', 'mx', [CompletionResultType]::ParameterValue, 'Look up MX records and the addresses of every exchange (DNS only)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Stop after the TCP connection to every exchange address')
            [CompletionResult]::new('banner', 'banner', [CompletionResultType]::ParameterValue, 'Stop after reading every exchange''s greeting')
            [CompletionResult]::new('ehlo', 'ehlo', [CompletionResultType]::ParameterValue, 'Stop after EHLO: show every exchange''s capabilities')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'Stop after STARTTLS: the TLS session and the certificate of every exchange')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Probe many targets (one per line) and print one JSON report per line as each finishes')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver one real test message (DATA) to the MX of the recipient''s domain, or to --server')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a reply code (550), an enhanced status code (5.7.1) or a whole reply line, with the likely cause')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            break
        }
        'smtpcheck;probe' {
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;mx' {
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;connect' {
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;banner' {
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;ehlo' {
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;tls' {
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;scan' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Targets probed at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Targets probed at once')
            [CompletionResult]::new('--per-ip', '--per-ip', [CompletionResultType]::ParameterName, 'Most connections to one IP address at a time, across all targets (politeness)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Take only share K of N of the input (0 <= K < N), by a stable hash of the domain')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the JSON Lines here instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the JSON Lines here instead of stdout')
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Recipient (repeat for more); the first one''s domain is where the message goes, unless --server')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Copy recipient, shown in the Cc: header (repeatable)')
            [CompletionResult]::new('--bcc', '--bcc', [CompletionResultType]::ParameterName, 'Blind copy recipient, in the envelope only (repeatable)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject of the test message')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Body text')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'Body from a file, or - for stdin')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra header, "Name: value" (repeatable)')
            [CompletionResult]::new('--quit-after', '--quit-after', [CompletionResultType]::ParameterName, 'Stop cleanly with QUIT after this phase (swaks''s --quit-after); later phases show as skip')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to connect to on every exchange')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)')
            [CompletionResult]::new('--rcpt', '--rcpt', [CompletionResultType]::ParameterName, 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]')
            [CompletionResult]::new('--retry-greylist', '--retry-greylist', [CompletionResultType]::ParameterName, 'After a greylisting reply, wait this many seconds and try once more on a new connection')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this many days')
            [CompletionResult]::new('--cert-days', '--cert-days', [CompletionResultType]::ParameterName, 'Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for any one step (DNS answer, connect, each reply), in seconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Longest the whole run may take, in seconds')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata')
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'Warn when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'Fail when the whole run takes longer than this many seconds (monitoring threshold)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto means only on a terminal and when NO_COLOR is unset')
            [CompletionResult]::new('--relay-test', '--relay-test', [CompletionResultType]::ParameterName, 'Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA')
            [CompletionResult]::new('--vrfy', '--vrfy', [CompletionResultType]::ParameterName, 'Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?')
            [CompletionResult]::new('--require-tls', '--require-tls', [CompletionResultType]::ParameterName, 'Short for --tls require')
            [CompletionResult]::new('--tls-injection-test', '--tls-injection-test', [CompletionResultType]::ParameterName, 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address')
            [CompletionResult]::new('--allow-private', '--allow-private', [CompletionResultType]::ParameterName, 'Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the SMTP transcript of every conversation (-> sent, <- received)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;explain' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smtpcheck;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
