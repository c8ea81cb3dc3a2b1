
use builtin;
use str;

set edit:completion:arg-completer[smtpcheck] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'smtpcheck'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'smtpcheck'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand probe 'Run every step: MX, connect, greeting, EHLO, MAIL FROM and RCPT TO (never DATA)'
            cand mx 'Look up MX records and the addresses of every exchange (DNS only)'
            cand connect 'Stop after the TCP connection to every exchange address'
            cand banner 'Stop after reading every exchange''s greeting'
            cand ehlo 'Stop after EHLO: show every exchange''s capabilities'
            cand tls 'Stop after STARTTLS: the TLS session and the certificate of every exchange'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
        }
        &'smtpcheck;probe'= {
            cand --server 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)'
            cand --port 'Port to connect to on every exchange'
            cand --helo 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]'
            cand --from 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)'
            cand --rcpt 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]'
            cand --concurrency 'Most connections open at once'
            cand --tls 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)'
            cand --ca-file 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots'
            cand --cert-warn-days 'Warn when the certificate expires within this many days'
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --require-tls 'Short for --tls require'
            cand --tls-injection-test 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;mx'= {
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;connect'= {
            cand --server 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)'
            cand --port 'Port to connect to on every exchange'
            cand --helo 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]'
            cand --from 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)'
            cand --rcpt 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]'
            cand --concurrency 'Most connections open at once'
            cand --tls 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)'
            cand --ca-file 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots'
            cand --cert-warn-days 'Warn when the certificate expires within this many days'
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --require-tls 'Short for --tls require'
            cand --tls-injection-test 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;banner'= {
            cand --server 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)'
            cand --port 'Port to connect to on every exchange'
            cand --helo 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]'
            cand --from 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)'
            cand --rcpt 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]'
            cand --concurrency 'Most connections open at once'
            cand --tls 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)'
            cand --ca-file 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots'
            cand --cert-warn-days 'Warn when the certificate expires within this many days'
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --require-tls 'Short for --tls require'
            cand --tls-injection-test 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;ehlo'= {
            cand --server 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)'
            cand --port 'Port to connect to on every exchange'
            cand --helo 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]'
            cand --from 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)'
            cand --rcpt 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]'
            cand --concurrency 'Most connections open at once'
            cand --tls 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)'
            cand --ca-file 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots'
            cand --cert-warn-days 'Warn when the certificate expires within this many days'
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --require-tls 'Short for --tls require'
            cand --tls-injection-test 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;tls'= {
            cand --server 'Probe this host instead of the domain''s MX: a name or IP, with an optional port ([::1]:2525)'
            cand --port 'Port to connect to on every exchange'
            cand --helo 'Name to introduce ourselves with in EHLO/HELO [default: this machine''s host name]'
            cand --from 'Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)'
            cand --rcpt 'Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]'
            cand --concurrency 'Most connections open at once'
            cand --tls 'auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)'
            cand --ca-file 'Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots'
            cand --cert-warn-days 'Warn when the certificate expires within this many days'
            cand --resolver 'Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver'
            cand --timeout 'Longest wait for any one step (DNS answer, connect, each reply), in seconds'
            cand --deadline 'Longest the whole run may take, in seconds'
            cand --color 'When to use colour: auto means only on a terminal and when NO_COLOR is unset'
            cand --require-tls 'Short for --tls require'
            cand --tls-injection-test 'Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address'
            cand --json 'Print one JSON document on stdout (schema: docs/json-schema.md)'
            cand -v 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand --verbose 'Print the SMTP transcript of every conversation (-> sent, <- received)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smtpcheck;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
