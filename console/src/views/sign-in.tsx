/** Phone + SMS code, as staff sign in to the API; only dispatcher and admin accounts get in. */
import { useRef, useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { fill, type Messages } from '../i18n.js';
import type { SignedIn } from '../types.js';

interface Props {
  t: Messages;
  onSignedIn: (session: SignedIn) => void;
}

export function SignIn({ t, onSignedIn }: Props) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e: unknown) {
      setError(e instanceof ApiError ? e.body.error : String(e));
    } finally {
      setBusy(false);
    }
  };

  const sendCode = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const { body } = await call<{ expires_in_seconds: number }>(
        'POST',
        '/api/auth/phone-login/',
        {
          phone,
        },
      );
      setSent(fill(t.codeSent, { phone, minutes: Math.round(body.expires_in_seconds / 60) }));
      codeInput.current?.focus();
    });
  };

  const signIn = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const { body } = await call<SignedIn>('POST', '/api/auth/verify-otp/', { phone, code });
      if (body.role !== 'dispatcher' && body.role !== 'admin') {
        setError(t.notStaff);
        return;
      }
      onSignedIn(body);
    });
  };

  return (
    <main class="sign-in" id="main">
      <h1>{t.signInTitle}</h1>
      <form onSubmit={sendCode}>
        <label for="phone">{t.phone}</label>
        <input
          id="phone"
          name="phone"
          type="tel"
          autoComplete="tel"
          required
          value={phone}
          onInput={(e) => setPhone(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {t.sendCode}
        </button>
      </form>
      <form onSubmit={signIn}>
        <label for="code">{t.code}</label>
        <input
          id="code"
          name="code"
          ref={codeInput}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
      </form>
      <p role="status" class="note">
        {sent}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </main>
  );
}
