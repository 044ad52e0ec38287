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
// element is its own iframe, so each runs its own simulation worker.
//
// A classic script, not a module: a module from another origin needs CORS
// headers that not every static host sends.
(() => {
  const page = new URL('./', document.currentScript.src).href;

  class LooplabEmbed extends HTMLElement {
    static observedAttributes = ['scenario', 'title', 'height', 'theme'];

    connectedCallback() {
      if (!this.frame) {
        this.frame = document.createElement('iframe');
        this.frame.loading = 'lazy';
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
        this.appendChild(this.frame);
      }
      window.addEventListener('message', this.onMessage);
      this.update();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this.onMessage);
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
