// A real SMTP server for the tests (nodemailer's `smtp-server`): it takes mail over a real SMTP
// conversation (EHLO, AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA) and parses each message with
// `mailparser`. The receiver under test sends to it exactly as it would to a production server.
//
// - Imported by the end-to-end tests: `startSmtpSink({ user, password })`.
// - Run by the receiver's Rust tests (server/tests/support/smtp.rs):
//   `node tests/e2e/smtp-sink.mjs [USER PASSWORD]` prints `{"port":N}` and then one JSON line per
//   message received: {"from","to","subject","text","html"}.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { fileURLToPath } from 'node:url';

/** Starts the server on an ephemeral 127.0.0.1 port. `onMail` gets each parsed message. */
export async function startSmtpSink({ user = null, password = null, onMail = () => {} } = {}) {
  const mails = [];
  const waiters = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: the receiver's TLS is lettre's (tested by lettre); here the point
    // is the conversation and the message.
    secure: false,
    disabledCommands: user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = {
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address).join(', '),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          };
          mails.push(mail);
          onMail(mail);
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.server.address().port;
  return {
    port,
    url: user ? `smtp://${encodeURIComponent(user)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    mails,
    /** The first mail to `to` after `from` mails were received, waiting up to `timeoutMs`. */
    async waitFor(to, { timeoutMs = 15000, after = 0 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.slice(after).find((m) => m.to === to);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms (got ${mails.length})`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The links of a mail's text, by purpose. */
export function mailLinks(mail) {
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  return {
    confirm: links.find((l) => l.includes('/signatures/confirm')),
    withdraw: links.find((l) => l.includes('/signatures/withdraw')),
    endorse: links.find((l) => l.includes('/signatures/endorse')),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [user, password] = process.argv.slice(2);
  const sink = await startSmtpSink({
    user: user ?? null,
    password: password ?? null,
    onMail: (mail) => process.stdout.write(`${JSON.stringify(mail)}\n`),
  });
  process.stdout.write(`${JSON.stringify({ port: sink.port })}\n`);
  // Ends with its parent: the test closes standard input (or dies, which closes it too).
  process.stdin.resume();
  process.stdin.on('end', () => sink.close().then(() => process.exit(0)));
}
