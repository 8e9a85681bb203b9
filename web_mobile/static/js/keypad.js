// A big numeric keypad (digits, delete, OK) for quantities and PINs, usable with gloves.
// Hardware number keys reach it too, through press().
export class Keypad {
  constructor(container, display, { mask = false, maxLength = 12, onSubmit } = {}) {
    this.display = display;
    this.mask = mask;
    this.maxLength = maxLength;
    this.onSubmit = onSubmit;
    this.value = "";
    this.enabled = true;
    container.replaceChildren();
    for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = key === "OK" ? "big go" : "big";
      btn.textContent = key;
      btn.dataset.key = key === "⌫" ? "Backspace" : key === "OK" ? "Enter" : key;
      btn.setAttribute("aria-label", key === "⌫" ? "Delete" : key);
      container.append(btn);
    }
    container.addEventListener("click", (event) => {
      const btn = event.target.closest("button[data-key]");
      if (btn) this.press(btn.dataset.key);
    });
    this.render();
  }

  // Returns whether the key was the keypad's.
  press(key) {
    if (/^[0-9]$/.test(key)) {
      if (this.value.length < this.maxLength) this.value += key;
    } else if (key === "Backspace") {
      this.value = this.value.slice(0, -1);
    } else if (key === "Enter") {
      if (this.enabled && this.value && this.onSubmit) this.onSubmit(this.value);
    } else {
      return false;
    }
    this.render();
    return true;
  }

  clear() {
    this.value = "";
    this.render();
  }

  render() {
    this.display.textContent = this.mask ? "•".repeat(this.value.length) : this.value;
  }
}
