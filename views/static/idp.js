// Resend countdown: enables the resend button when the server's cooldown has passed.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-wait]')) {
    let left = Number(button.dataset.wait);
    if (!(left > 0)) continue;
    const hint = button.parentElement.querySelector('.hint');
    const text = button.dataset.waitText || '';
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        if (hint) hint.textContent = '';
        return;
      }
      if (hint) hint.textContent = text.replace('{seconds}', String(left));
    }, 1000);
  }
});
