// autotag review page: plain JavaScript, no framework, nothing loaded from the network.
// It talks to the review function's JSON routes under review/api/ (the page is /review), keeps the
// next photo claimed and preloaded, and holds each verdict back for a few seconds so it can be
// undone. See functions/review/src/main/java/io/autotag/review/ReviewRouter.java for the routes.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const PRELOAD = 1; // photos claimed and loaded beyond the one on screen
  const STATS_EVERY_MS = 15000;
  const EMPTY_POLL_MS = 5000;
  const SKIP_DELAY_SECONDS = 60;
  const STORE = window.sessionStorage;
  const USED_LABELS = 'autotag.review.used-labels';

  const state = {
    config: null,
    credential: null, // {kind: 'key', key} or {kind: 'cognito', access, refresh}
    reviewer: null,
    queue: [], // claimed, preloaded, not shown yet
    current: null,
    chosen: [],
    pending: null, // {item, decision, timer}
    vocabulary: [],
    mine: 0,
    claiming: null,
    oldest: null,
    offline: false,
    started: false,
  };

  // ---- Talking to the review function ------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, body, options = {}) {
    const headers = {Accept: 'application/json'};
    const bearer = await bearerToken();
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch('review/api/' + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        keepalive: Boolean(options.keepalive),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'offline', 'The review service cannot be reached.');
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && state.credential?.kind === 'cognito' && !options.retried) {
      if (await refreshCognito()) return api(path, body, {...options, retried: true});
    }
    if (response.status === 401) {
      signOut('Your sign-in is no longer valid. Please sign in again.');
      throw new ApiError(401, 'unauthorized', data.error?.message || 'Sign in first.');
    }
    if (!response.ok) {
      throw new ApiError(response.status, data.error?.code || 'error',
        data.error?.message || 'The review service answered ' + response.status + '.');
    }
    return data;
  }

  /** Calls fn until it works when the network is the problem, telling the reviewer meanwhile. */
  async function withRetry(fn) {
    let wait = 1000;
    for (;;) {
      try {
        const result = await fn();
        setOffline(false);
        return result;
      } catch (e) {
        const transient = e.code === 'offline' || e.status === 503 || e.status === 502 || e.status === 504;
        if (!transient) throw e;
        setOffline(true, e.code === 'offline'
          ? 'Connection lost. Retrying… your work is kept.'
          : 'The review service is busy. Retrying… your work is kept.');
        await sleep(wait);
        wait = Math.min(wait * 2, 15000);
      }
    }
  }

  function setOffline(offline, message) {
    state.offline = offline;
    const banner = $('banner');
    banner.hidden = !offline;
    if (offline) banner.textContent = message;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- Signing in ---------------------------------------------------------------------------

  async function bearerToken() {
    if (!state.credential) return null;
    return state.credential.kind === 'key' ? state.credential.key : state.credential.access;
  }

  function remember(credential) {
    state.credential = credential;
    STORE.setItem('autotag.review.credential', JSON.stringify(credential));
  }

  function signOut(message) {
    releaseEverything();
    state.credential = null;
    STORE.removeItem('autotag.review.credential');
    showSignIn(message || '');
  }

  async function cognito(target, body) {
    const region = state.config.cognito.region;
    const response = await fetch(`https://cognito-idp.${region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.' + target,
      },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || 'Sign-in failed.');
    return data;
  }

  let cognitoChallenge = null;

  async function signInCognito(username, password, newPassword) {
    const clientId = state.config.cognito.clientId;
    let result;
    if (cognitoChallenge && newPassword) {
      result = await cognito('RespondToAuthChallenge', {
        ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId: clientId, Session: cognitoChallenge,
        ChallengeResponses: {USERNAME: username, NEW_PASSWORD: newPassword},
      });
    } else {
      result = await cognito('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId,
        AuthParameters: {USERNAME: username, PASSWORD: password},
      });
    }
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      cognitoChallenge = result.Session;
      $('new-password-row').hidden = false;
      $('new-password').required = true;
      $('new-password').focus();
      throw new Error('Choose a new password to finish signing in.');
    }
    if (!result.AuthenticationResult) throw new Error('Sign-in needs a step this page does not support.');
    cognitoChallenge = null;
    remember({
      kind: 'cognito',
      access: result.AuthenticationResult.AccessToken,
      refresh: result.AuthenticationResult.RefreshToken,
    });
  }

  async function refreshCognito() {
    if (!state.credential?.refresh) return false;
    try {
      const result = await cognito('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: state.config.cognito.clientId,
        AuthParameters: {REFRESH_TOKEN: state.credential.refresh},
      });
      remember({...state.credential, access: result.AuthenticationResult.AccessToken});
      return true;
    } catch (e) {
      return false;
    }
  }

  function showSignIn(message) {
    for (const id of ['workspace', 'empty', 'loading', 'who']) $(id).hidden = true;
    $('sign-in').hidden = false;
    const keyMode = state.config.auth !== 'cognito';
    $('key-form').hidden = !keyMode;
    $('cognito-form').hidden = keyMode;
    $('sign-in-error').textContent = message;
    (keyMode ? $('key') : $('username')).focus();
  }

  async function verifyAndStart() {
    const me = await api('me');
    state.reviewer = me.reviewer;
    $('reviewer').textContent = me.reviewer;
    $('who').hidden = false;
    $('sign-in').hidden = true;
    start();
  }

  // ---- The queue: claim, preload, keep leases ---------------------------------------------

  async function claim(count) {
    const result = await withRetry(() => api('claim', {count}));
    if (result.oldestAgeSeconds != null) state.oldest = result.oldestAgeSeconds;
    const dropped = result.gone + result.stale + result.alreadyReviewed + result.duplicates;
    if (dropped > 0) {
      toast(dropped === 1 ? 'One photo was dropped: deleted, replaced or already judged.'
        : dropped + ' photos were dropped: deleted, replaced or already judged.');
    }
    for (const item of result.items) {
      item.claimedAt = Date.now();
      item.image = new Image(); // preload: the browser has it when the item is shown
      item.image.decoding = 'async';
      item.image.src = item.imageUrl;
      state.queue.push(item);
    }
    refreshStats();
    return result.items.length;
  }

  /** Keeps one photo on screen and PRELOAD more claimed; one claim at a time. */
  function refill() {
    if (state.claiming || !state.credential) return state.claiming;
    const want = 1 + PRELOAD - state.queue.length - (state.current ? 1 : 0);
    if (want <= 0) return Promise.resolve();
    state.claiming = claim(Math.min(want, 10))
      .catch((e) => {
        if (e.status !== 401) toast(e.message, 'warn');
      })
      .finally(() => {
        state.claiming = null;
        if (!state.current) showNext();
      });
    return state.claiming;
  }

  let emptyTimer = null;

  function showNext() {
    if (state.current) return;
    const next = state.queue.shift();
    if (next) {
      show(next);
      refill();
      return;
    }
    if (state.claiming) {
      showOnly('loading');
      return;
    }
    showOnly('empty');
    clearTimeout(emptyTimer);
    emptyTimer = setTimeout(() => {
      if (!state.current) refill();
    }, EMPTY_POLL_MS);
  }

  function showOnly(id) {
    for (const section of ['workspace', 'empty', 'loading', 'sign-in']) $(section).hidden = section !== id;
  }

  /** Extends the lease of every photo this page holds, well before it runs out. */
  function keepLeases() {
    const held = [state.current, ...state.queue, state.pending?.item].filter(Boolean);
    const now = Date.now();
    for (const item of held) {
      const age = (now - (item.renewedAt || item.claimedAt)) / 1000;
      if (age > item.leaseSeconds / 3) {
        item.renewedAt = now;
        api('extend', {token: item.token}).catch((e) => {
          if (e.code === 'lease-lost') item.leaseLost = true;
        });
      }
    }
  }

  function releaseEverything() {
    const held = [state.current, ...state.queue].filter(Boolean);
    for (const item of held) {
      api('release', {token: item.token, delaySeconds: 0}, {keepalive: true}).catch(() => {});
    }
    state.queue = [];
    state.current = null;
  }

  // ---- Showing one photo --------------------------------------------------------------------

  function show(item) {
    state.current = item;
    state.chosen = item.restoredLabels ? [...item.restoredLabels] : [];
    const photo = $('photo');
    photo.src = item.imageUrl;
    photo.alt = 'Photo under review: ' + item.key;
    $('caption').textContent = item.key;
    $('note').value = item.restoredNote || '';
    renderFacts(item);
    renderSuggestions(item);
    renderChosen();
    closeFinder();
    $('finder').value = '';
    showOnly('workspace');
    if (!state.firstShown) {
      // Page load to the first photo on screen: benchmarks/ReviewRoundTrip reads this mark.
      state.firstShown = true;
      photo.decode().then(() => performance.mark('autotag-first-photo'), () => {});
    }
    if (document.activeElement && document.activeElement !== document.body
        && !$('panel').contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  function renderFacts(item) {
    const facts = $('facts');
    facts.replaceChildren();
    const add = (term, value) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      facts.append(dt, dd);
    };
    add('Object', item.bucket + '/' + item.key);
    add('Size', formatBytes(item.size));
    add('Uploaded', formatTime(item.uploadedAt));
    add('Why', reasonText(item.reason, item.threshold));
    add('Model', item.model);
    if (item.userTags.length > 0) {
      const tags = document.createElement('span');
      for (const tag of item.userTags) {
        const chip = document.createElement('span');
        chip.className = 'tag';
        chip.textContent = tag.key + (tag.value ? ' = ' + tag.value : '');
        tags.append(chip);
      }
      add('Its tags', tags);
    }
  }

  function renderSuggestions(item) {
    const list = $('suggestions');
    list.replaceChildren();
    if (item.predictions.length === 0) {
      const none = document.createElement('li');
      none.className = 'no-suggestions';
      none.textContent = 'The model found nothing it knows.';
      list.append(none);
      return;
    }
    item.predictions.slice(0, 9).forEach((prediction, index) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'suggestion';
      button.dataset.label = prediction.label;
      const percent = Math.round(prediction.confidence * 100);
      button.setAttribute('aria-pressed', String(state.chosen.includes(prediction.label)));
      button.setAttribute('aria-keyshortcuts', String(index + 1));
      button.setAttribute('aria-label', `${prediction.label}, ${percent} percent, key ${index + 1}`);
      const key = document.createElement('kbd');
      key.textContent = String(index + 1);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = prediction.label;
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = percent + '%';
      const meter = document.createElement('span');
      meter.className = 'meter';
      const fill = document.createElement('span');
      fill.style.width = Math.max(2, percent) + '%';
      meter.append(fill);
      button.append(key, name, meter, pct);
      button.addEventListener('click', () => toggle(prediction.label));
      li.append(button);
      list.append(li);
    });
  }

  function renderChosen() {
    const list = $('chosen');
    list.replaceChildren();
    for (const label of state.chosen) {
      const li = document.createElement('li');
      li.textContent = label;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', 'Remove ' + label);
      remove.addEventListener('click', () => toggle(label));
      li.append(remove);
      list.append(li);
    }
    $('chosen-empty').hidden = state.chosen.length > 0;
    for (const button of document.querySelectorAll('.suggestion')) {
      button.setAttribute('aria-pressed', String(state.chosen.includes(button.dataset.label)));
    }
  }

  function toggle(label) {
    if (!state.current) return;
    const at = state.chosen.indexOf(label);
    if (at >= 0) {
      state.chosen.splice(at, 1);
    } else if (state.chosen.length < state.config.maxLabels) {
      state.chosen.push(label);
    } else {
      toast('At most ' + state.config.maxLabels + ' labels.', 'warn');
    }
    renderChosen();
  }

  // ---- Verdicts, undo, skip -----------------------------------------------------------------

  function decide(decision) {
    const item = state.current;
    if (!item) return;
    if (!decision.none && decision.labels.length === 0) {
      toast('Pick a label (1–9), type one, or press 0 for none of these.', 'warn');
      return;
    }
    flushPending();
    decision.note = $('note').value.trim() || undefined;
    const undoMs = state.config.undoSeconds * 1000;
    state.pending = {item, decision, timer: setTimeout(flushPending, undoMs)};
    $('undo').disabled = undoMs === 0;
    const what = decision.none ? 'none of these' : decision.labels.join(', ');
    toast(undoMs > 0 ? `Saving “${what}”… (Ctrl+Z undoes)` : `Saving “${what}”…`, 'ok', undoMs > 0 ? 'Undo' : null);
    state.current = null;
    showNext();
    refill();
  }

  function flushPending() {
    const pending = state.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    state.pending = null;
    $('undo').disabled = true;
    commit(pending.item, pending.decision);
  }

  async function commit(item, decision, keepalive = false) {
    const body = {token: item.token, note: decision.note};
    if (decision.none) body.none = true; else body.labels = decision.labels;
    try {
      await withRetry(() => api('verdict', body, {keepalive}));
      state.mine += 1;
      for (const label of decision.labels || []) rememberLabel(label);
      renderStats();
    } catch (e) {
      const messages = {
        stale: 'That photo was replaced since it was queued; your verdict was not applied.',
        gone: 'That photo was deleted since it was queued.',
        'already-reviewed': 'Someone else judged that photo first.',
        'lease-lost': 'That photo’s claim ran out before the verdict was saved.',
      };
      toast(messages[e.code] || 'The verdict was not saved: ' + e.message, 'warn');
    }
  }

  function undo() {
    const pending = state.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    state.pending = null;
    $('undo').disabled = true;
    if (state.current) state.queue.unshift(state.current);
    state.current = null;
    pending.item.restoredLabels = pending.decision.labels || [];
    pending.item.restoredNote = pending.decision.note || '';
    show(pending.item);
    toast('Verdict undone.');
  }

  function skip() {
    const item = state.current;
    if (!item) return;
    state.current = null;
    api('release', {token: item.token, delaySeconds: SKIP_DELAY_SECONDS}).catch(() => {});
    toast('Skipped.');
    showNext();
    refill();
  }

  // ---- Labels: the model's vocabulary, labels the team added, labels this reviewer used ----

  function rememberLabel(label) {
    const used = usedLabels();
    if (!used.includes(label)) {
      used.unshift(label);
      window.localStorage.setItem(USED_LABELS, JSON.stringify(used.slice(0, 200)));
    }
  }

  function usedLabels() {
    try {
      return JSON.parse(window.localStorage.getItem(USED_LABELS) || '[]');
    } catch (e) {
      return [];
    }
  }

  function candidates(text) {
    const query = text.trim().toLowerCase();
    const all = [...new Set([
      ...usedLabels(), ...(state.current?.predictions.map((p) => p.label) || []), ...state.vocabulary])];
    const starts = all.filter((l) => l.toLowerCase().startsWith(query));
    const contains = all.filter((l) => !l.toLowerCase().startsWith(query) && l.toLowerCase().includes(query));
    const matches = [...starts, ...contains].slice(0, 8);
    const exact = all.some((l) => l.toLowerCase() === query);
    if (query && !exact) matches.push({add: text.trim()});
    return matches;
  }

  let options = [];
  let selected = 0;

  function openFinder() {
    const finder = $('finder');
    options = candidates(finder.value);
    selected = 0;
    const list = $('finder-options');
    list.replaceChildren();
    options.forEach((option, index) => {
      const li = document.createElement('li');
      li.id = 'finder-option-' + index;
      li.setAttribute('role', 'option');
      if (typeof option === 'string') {
        li.textContent = option;
      } else {
        li.innerHTML = '<span class="new"></span>';
        li.firstChild.textContent = `Add “${option.add}”`;
      }
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        selected = index;
        chooseOption();
      });
      list.append(li);
    });
    list.hidden = options.length === 0 || finder.value.trim() === '';
    finder.setAttribute('aria-expanded', String(!list.hidden));
    highlight();
  }

  function highlight() {
    const items = $('finder-options').children;
    for (let i = 0; i < items.length; i++) items[i].setAttribute('aria-selected', String(i === selected));
    if (items[selected]) {
      $('finder').setAttribute('aria-activedescendant', items[selected].id);
      items[selected].scrollIntoView({block: 'nearest'});
    } else {
      $('finder').removeAttribute('aria-activedescendant');
    }
  }

  function closeFinder() {
    $('finder-options').hidden = true;
    $('finder').setAttribute('aria-expanded', 'false');
    $('finder').removeAttribute('aria-activedescendant');
  }

  function chooseOption() {
    const option = options[selected];
    if (option === undefined) return;
    const label = (typeof option === 'string' ? option : option.add).slice(0, state.config.maxLabelLength);
    if (label && !state.chosen.includes(label)) toggle(label);
    $('finder').value = '';
    closeFinder();
  }

  // ---- Keyboard -----------------------------------------------------------------------------

  function onKey(event) {
    if (!state.started || !$('sign-in').hidden) return;
    if ($('help').open) return;
    const target = event.target;
    const inFinder = target === $('finder');
    const inNote = target === $('note');
    const modifier = event.ctrlKey || event.metaKey || event.altKey;

    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z' && !inNote && !inFinder) {
      event.preventDefault();
      undo();
      return;
    }
    if (inFinder) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (options.length > 0) {
          selected = (selected + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
          highlight();
        }
      } else if (event.key === 'Enter') {
        event.preventDefault();
        if ($('finder').value.trim() === '') decide({labels: [...state.chosen]});
        else chooseOption();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        $('finder').value = '';
        closeFinder();
        $('finder').blur();
      }
      return;
    }
    if (inNote) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        decide({labels: [...state.chosen]});
      } else if (event.key === 'Escape') {
        $('note').blur();
      }
      return;
    }
    if (target instanceof HTMLButtonElement && (event.key === 'Enter' || event.key === ' ')) return;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
    if (modifier) return;
    if (event.key >= '1' && event.key <= '9') {
      const prediction = state.current?.predictions[Number(event.key) - 1];
      if (prediction) {
        event.preventDefault();
        toggle(prediction.label);
      }
    } else if (event.key === '0') {
      event.preventDefault();
      decide({none: true, labels: []});
    } else if (event.key === 'Enter') {
      event.preventDefault();
      decide({labels: [...state.chosen]});
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      skip();
    } else if (event.key === '?') {
      event.preventDefault();
      $('help').showModal();
    } else if (event.key.length === 1 && /\p{L}|\p{N}/u.test(event.key) && state.current) {
      // Typing goes to the label finder: focus it now and the key lands in it.
      $('finder').focus();
    }
  }

  // ---- Status and stats ---------------------------------------------------------------------

  let toastTimer = null;

  function toast(message, kind = '', action = null) {
    const box = $('status');
    box.className = 'toast shown ' + kind;
    box.textContent = message;
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action;
      button.addEventListener('click', undo);
      box.append(button);
    }
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => box.classList.remove('shown'), Math.max(3500, state.config.undoSeconds * 1000));
  }

  async function refreshStats() {
    try {
      const stats = await api('stats');
      $('stat-visible').textContent = String(stats.visible);
      $('stat-inflight').textContent = String(stats.inFlight);
      $('stat-today').textContent = stats.verdictsToday + (stats.verdictsTodayCapped ? '+' : '');
      setOffline(false);
    } catch (e) {
      if (e.code === 'offline') setOffline(true, 'Connection lost. Retrying… your work is kept.');
    }
    renderStats();
  }

  function renderStats() {
    $('stat-mine').textContent = String(state.mine);
    $('stat-oldest').textContent = state.oldest == null ? '–' : formatAge(state.oldest);
  }

  // ---- Formatting ---------------------------------------------------------------------------

  function formatBytes(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + ' KB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function formatTime(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
  }

  function formatAge(seconds) {
    if (seconds < 90) return seconds + ' s';
    if (seconds < 90 * 60) return Math.round(seconds / 60) + ' min';
    if (seconds < 36 * 3600) return Math.round(seconds / 3600) + ' h';
    return Math.round(seconds / 86400) + ' d';
  }

  function reasonText(reason, threshold) {
    switch (reason) {
      case 'low-confidence': return `the model was less than ${Math.round(threshold * 100)}% sure`;
      case 'no-labels': return 'the model found no label';
      case 'no-tag-slots': return 'no free tag slot: your verdict is kept as feedback only';
      default: return reason;
    }
  }

  // ---- Start --------------------------------------------------------------------------------

  function start() {
    if (state.started) return;
    state.started = true;
    showOnly('loading');
    api('labels').then((r) => { state.vocabulary = r.labels; }).catch(() => {});
    refill();
    refreshStats();
    setInterval(refreshStats, STATS_EVERY_MS);
    setInterval(keepLeases, 5000);
  }

  function wire() {
    document.addEventListener('keydown', onKey);
    $('panel').addEventListener('submit', (e) => {
      e.preventDefault();
      decide({labels: [...state.chosen]});
    });
    $('none').addEventListener('click', () => decide({none: true, labels: []}));
    $('skip').addEventListener('click', skip);
    $('undo').addEventListener('click', undo);
    $('sign-out').addEventListener('click', () => signOut(''));
    $('finder').addEventListener('input', openFinder);
    $('finder').addEventListener('blur', () => setTimeout(closeFinder, 100));
    $('key-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      remember({kind: 'key', key: $('key').value.trim()});
      $('key').value = '';
      try {
        await verifyAndStart();
      } catch (err) {
        if (err.status !== 401) showSignIn(err.message);
      }
    });
    $('cognito-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await signInCognito($('username').value.trim(), $('password').value, $('new-password').value);
        $('password').value = '';
        await verifyAndStart();
      } catch (err) {
        $('sign-in-error').textContent = err.message;
      }
    });
    // Leaving: save what is pending, give back what is claimed, so nothing waits for a lease.
    window.addEventListener('pagehide', () => {
      const pending = state.pending;
      if (pending) {
        clearTimeout(pending.timer);
        state.pending = null;
        commit(pending.item, pending.decision, true);
      }
      releaseEverything();
    });
  }

  async function boot() {
    wire();
    try {
      state.config = await (await fetch('review/config.json', {cache: 'no-store'})).json();
    } catch (e) {
      setOffline(true, 'The review service cannot be reached. Reload the page to try again.');
      return;
    }
    const saved = STORE.getItem('autotag.review.credential');
    if (saved) {
      try {
        state.credential = JSON.parse(saved);
        await verifyAndStart();
        return;
      } catch (e) {
        if (e.status === 401) return;
      }
    }
    showSignIn('');
  }

  boot();
})();
