// Enhancements of the sign-in pages. Each one is optional: every page works without script.
// Served as a file (a module, so nothing leaks into the page's globals) because the
// Content-Security-Policy allows no inline script.

// The email code is 6 digits (adapters/login-attempts.ts).
const CODE_LENGTH = 6;

/** The resend button counts down the server's cooldown, then says so to screen readers once. */
function startCountdown(button) {
  const seconds = Number(button.dataset.wait);
  if (!(seconds > 0)) return;
  const end = Date.now() + seconds * 1000;
  const status = button.form && button.form.querySelector('[data-resend-status]');
  const tick = () => {
    const left = Math.ceil((end - Date.now()) / 1000);
    if (left > 0) {
      button.textContent = button.dataset.waitText.replace('{seconds}', String(left));
      // Wake at the next whole second, so the count never lags behind the server's.
      setTimeout(tick, (end - Date.now()) % 1000 || 1000);
      return;
    }
    button.disabled = false;
    button.textContent = button.dataset.readyText;
    if (status) status.textContent = status.dataset.text;
  };
  tick();
}

/** A pasted code keeps only its digits, so "123 456" or "Code: 123456" both work. */
function acceptPastedCode(input) {
  input.addEventListener('paste', (event) => {
    const pasted = (event.clipboardData && event.clipboardData.getData('text')) || '';
    const digits = pasted.replace(/\D/g, '');
    if (digits.length !== CODE_LENGTH) return;
    event.preventDefault();
    input.value = digits;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** A double click posts once: a second post would meet a step that has already moved on. */
function submitOnce(form) {
  form.addEventListener('submit', (event) => {
    if (form.dataset.sent) event.preventDefault();
    else form.dataset.sent = 'yes';
  });
  // Back/forward cache: a page shown again must be usable again.
  window.addEventListener('pageshow', () => delete form.dataset.sent);
}

/** "Show password", and hidden again before the form is sent so browsers never keep it shown. */
function offerReveal(box) {
  const toggle = box.querySelector('[data-reveal]');
  const field = toggle && document.getElementById(toggle.dataset.reveal);
  if (!field) return;
  box.hidden = false;
  toggle.addEventListener('change', () => (field.type = toggle.checked ? 'text' : 'password'));
  if (field.form) field.form.addEventListener('submit', () => (field.type = 'password'));
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('button[data-wait]').forEach(startCountdown);
  document.querySelectorAll('input[data-code]').forEach(acceptPastedCode);
  document.querySelectorAll('form[data-submit-once]').forEach(submitOnce);
  document.querySelectorAll('[data-reveal-box]').forEach(offerReveal);
});
