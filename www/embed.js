// <looplab-embed>: a Looplab scenario in a blog post with one script tag.
//
//   <script src="https://…/looplab/embed.js" defer></script>
//   <looplab-embed scenario="embed&autoplay&s=1.…" title="Looplab: …" theme="auto"></looplab-embed>
//
// `theme` (light, dark, or auto: the reader's colour scheme) switches the
// embed live: a site with a theme toggle sets the attribute and the embed
// follows, without a reload, through a "looplab:theme" message.
//
// It is a thin shell around the iframe embed: it makes the iframe (lazy,
// titled, borderless), points it at the Looplab page next to this script,
// and sets its height from the embed's "looplab:height" messages. Each
// element is its own iframe, so each runs its own simulation worker (the
// embeds take turns: one that starts playing pauses the others).
//
// The element's content is the fallback the Share dialog writes: the
// scenario's poster linked to the live scenario, which feed readers,
// readers without JavaScript and print show. The script replaces it with
// the iframe — or, for a click embed (`click` attribute, or `click` in
// the scenario), keeps the poster as the still and adds a Run button, and
// makes no iframe (no wasm, no worker) until the reader presses it.
//
// A classic script, not a module: a module from another origin needs CORS
// headers that not every static host sends.
(() => {
  const page = new URL('./', document.currentScript.src).href;

  class LooplabEmbed extends HTMLElement {
    static observedAttributes = ['scenario', 'title', 'height', 'theme', 'click'];

    connectedCallback() {
      if (!this.frame && !this.placeholder && this.clicks() && this.querySelector('img')) this.showPlaceholder();
      else if (!this.placeholder) this.startFrame();
    }

    /** Whether it waits for a click before loading anything. */
    clicks() {
      return this.hasAttribute('click') || /(^|&)click(&|$)/.test(this.getAttribute('scenario') || '');
    }

    /** The poster as the still, with a Run button over it. */
    showPlaceholder() {
      const title = this.getAttribute('title') || 'Looplab: a Node.js event loop simulation';
      this.placeholder = document.createElement('div');
      this.placeholder.style.cssText = 'position: relative; display: block;';
      this.placeholder.append(...this.childNodes);
      for (const image of this.placeholder.querySelectorAll('img')) {
        image.style.maxWidth = '100%';
        image.style.height = 'auto';
        image.style.display = 'block';
      }
      const run = document.createElement('button');
      run.type = 'button';
      run.textContent = '▶ Run';
      run.setAttribute('aria-label', `Run ${title}`);
      run.dataset.looplabRun = '';
      run.style.cssText = 'position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); font: 700 18px system-ui, sans-serif; padding: 10px 26px; border-radius: 8px; border: 0; background: #2f7d32; color: #fff; cursor: pointer; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.3);';
      run.addEventListener('click', () => {
        this.placeholder.remove();
        this.placeholder = null;
        this.ran = true;
        this.startFrame();
        this.frame.focus();
      });
      this.placeholder.append(run);
      this.append(this.placeholder);
    }

    startFrame() {
      if (!this.frame) {
        this.frame = document.createElement('iframe');
        // Run pressed: the reader is looking at it.
        this.frame.loading = this.ran ? 'eager' : 'lazy';
        this.frame.style.cssText = 'border: 0; width: 100%; display: block;';
        this.onMessage = (event) => {
          // Only this element's own iframe sets its height.
          if (event.source !== this.frame.contentWindow) return;
          const data = event.data;
          if (data && data.type === 'looplab:height' && Number.isFinite(data.height) && data.height > 0) {
            this.frame.style.height = `${Math.min(Math.ceil(data.height), 4000)}px`;
            // The embed is listening once it reports a height: tell it the
            // theme if it has not heard this one yet.
            this.ready = true;
            this.sendTheme();
          }
        };
        // The fallback gives way to the live embed.
        this.replaceChildren(this.frame);
      }
      window.addEventListener('message', this.onMessage);
      this.update();
    }

    disconnectedCallback() {
      if (this.onMessage) window.removeEventListener('message', this.onMessage);
    }

    attributeChangedCallback(name) {
      if (!this.frame) return;
      if (name === 'theme') this.sendTheme();
      else this.update();
    }

    sendTheme() {
      const wanted = this.getAttribute('theme');
      const theme = wanted === 'light' || wanted === 'dark' ? wanted : 'auto';
      if (!this.ready || this.sentTheme === theme || !this.frame.contentWindow) return;
      if (wanted === null && this.sentTheme === undefined) return; // nothing asked: the link's own theme stays
      this.sentTheme = theme;
      this.frame.contentWindow.postMessage({ type: 'looplab:theme', theme }, '*');
    }

    update() {
      let scenario = (this.getAttribute('scenario') || '').replace(/^#/, '');
      if (!/(^|&)embed(&|$)/.test(scenario)) scenario = `embed&${scenario}`;
      // Run pressed on the poster: the embed plays at once, without a
      // second placeholder. A click embed without a poster shows the
      // page's own placeholder (the code as the still).
      const items = scenario.split('&').filter((item) => item !== 'click');
      if (this.ran) scenario = items.includes('autoplay') ? items.join('&') : ['autoplay', ...items].join('&');
      else if (this.hasAttribute('click') && !scenario.split('&').includes('click')) scenario = `click&${scenario}`;
      const src = `${page}#${scenario}`;
      if (this.frame.src !== src) {
        this.frame.src = src;
        // A new page has heard nothing yet.
        this.ready = false;
        this.sentTheme = undefined;
      }
      this.frame.title = this.getAttribute('title') || 'Looplab: a Node.js event loop simulation';
      if (!this.frame.style.height) this.frame.style.height = `${parseInt(this.getAttribute('height') || '480', 10)}px`;
    }
  }

  if (!customElements.get('looplab-embed')) customElements.define('looplab-embed', LooplabEmbed);
})();
