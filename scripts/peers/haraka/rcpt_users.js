// Unknown local parts of the local domains are refused with haraka-dsn's
// no_such_user (550 5.1.1), as Haraka's own recipient plugins do; the
// domains and users come from config/host_list and config/rcpt_users.
'use strict'
const DSN = require('haraka-dsn')

exports.hook_rcpt = function (next, connection, params) {
    const rcpt = params[0]
    const hosts = this.config.get('host_list', 'list').map((h) => h.toLowerCase())
    if (!rcpt.host || !hosts.includes(rcpt.host.toLowerCase())) return next()
    const users = this.config.get('rcpt_users', 'list').map((u) => u.toLowerCase())
    if (users.includes(rcpt.user.toLowerCase())) return next()
    next(DENY, DSN.no_such_user())
}
