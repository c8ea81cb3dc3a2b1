// Writes each accepted message to SPOOL/mail (config/queue_file: the spool
// directory), then lets Haraka answer "250 Message Queued (UUID)".
'use strict'
const fs = require('fs')
const path = require('path')

exports.hook_queue = function (next, connection) {
    const spool = this.config.get('queue_file')
    const txn = connection.transaction
    const out = fs.createWriteStream(path.join(spool, 'mail', `${Date.now()}-${txn.uuid}.eml`))
    out.on('error', () => next(DENYSOFT, 'cannot write the message'))
    out.on('finish', () => next(OK))
    txn.message_stream.pipe(out)
}
