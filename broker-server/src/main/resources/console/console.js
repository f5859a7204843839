// ternmq console: talks to /api/v1 only, with the admin token kept in this tab's session storage.
(function () {
  'use strict';
  var TOKEN = 'ternmq.token';
  var $ = function (id) { return document.getElementById(id); };
  var pages = ['login', 'overview', 'clients', 'client', 'devices', 'topics', 'trace', 'tools'];
  var history = { t: [], in: [], out: [] };
  var last = null;
  var chart = null;
  var noop = function () { /* the error is shown by api() */ };

  function show(page) {
    pages.forEach(function (p) { $(p).hidden = p !== page; });
    $('nav').hidden = page === 'login';
    document.querySelectorAll('#nav a').forEach(function (a) {
      a.classList.toggle('current', a.dataset.page === page || (page === 'client' && a.dataset.page === 'clients'));
    });
  }

  function error(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  // Every call: the Bearer token; a 401 shows the login again; any other error shows the API's message.
  function api(method, path, body, contentType) {
    var token = sessionStorage.getItem(TOKEN);
    if (!token) { show('login'); return Promise.reject(new Error('not logged in')); }
    var init = { method: method, headers: { Authorization: 'Bearer ' + token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = contentType || 'application/json';
      init.body = contentType ? body : JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (r.status === 401) {
          sessionStorage.removeItem(TOKEN);
          show('login');
          error('The token was refused: ' + (body && body.message ? body.message : r.status));
          throw new Error('unauthorized');
        }
        if (!r.ok) {
          var message = body && body.message ? body.message : 'HTTP ' + r.status + ' ' + r.statusText;
          error(message);
          throw new Error(message);
        }
        return body;
      });
    });
  }

  function metric(stats, name, statistic) {
    return stats.metrics.filter(function (m) { return m.name === name; })
      .reduce(function (sum, m) { return sum + (m.values[statistic] || 0); }, 0);
  }

  function byTag(stats, name, tag) {
    var out = {};
    stats.metrics.filter(function (m) { return m.name === name; }).forEach(function (m) {
      var key = m.tags[tag] || 'all';
      out[key] = (out[key] || 0) + (m.values.value || 0);
    });
    return Object.keys(out).map(function (k) { return k + ': ' + out[k]; }).join(', ') || '0';
  }

  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + ' ' + units[i];
  }

  function facts(dl, pairs) {
    dl.textContent = '';
    pairs.forEach(function (p) {
      var dt = document.createElement('dt'); dt.textContent = p[0];
      var dd = document.createElement('dd'); dd.textContent = p[1] === null || p[1] === undefined ? '' : String(p[1]);
      dl.appendChild(dt); dl.appendChild(dd);
    });
  }

  function overview() {
    return api('GET', '/api/v1/stats').then(function (s) {
      var now = Date.now() / 1000;
      var received = metric(s, 'ternmq.messages.received', 'count');
      var sent = metric(s, 'ternmq.messages.sent', 'count');
      if (last) {
        var dt = Math.max(now - last.t, 0.001);
        history.t.push(now);
        history.in.push((received - last.in) / dt);
        history.out.push((sent - last.out) / dt);
        while (history.t.length && history.t[0] < now - 900) { history.t.shift(); history.in.shift(); history.out.shift(); }
      }
      last = { t: now, in: received, out: sent };
      facts($('facts'), [
        ['Version', s.version], ['Uptime', s.uptimeSeconds + ' s'],
        ['Connections by transport', byTag(s, 'ternmq.connections', 'transport')],
        ['Connections by version', byTag(s, 'ternmq.connections', 'protocol')],
        ['Messages received', received], ['Messages sent', sent],
        ['Messages dropped', metric(s, 'ternmq.messages.dropped', 'count')],
        ['Refused by the rules', metric(s, 'ternmq.rule.refusals', 'count')],
        ['Sign-in failures', metric(s, 'ternmq.authentication.failures', 'count')],
        ['Store on disk', bytes(metric(s, 'ternmq.store.files', 'value'))],
        ['Messages kept in the store', bytes(metric(s, 'ternmq.store.messages', 'value'))],
        ['Listeners', Object.keys(s.listeners).map(function (k) { return k + ' ' + s.listeners[k]; }).join(', ')]
      ]);
      drawChart();
    });
  }

  function drawChart() {
    if (history.t.length < 2) { return; } // a rate needs two polls; a line needs two rates
    var data = [history.t, history.in, history.out];
    var width = Math.min($('overview').clientWidth || 600, 1100);
    if (!chart) {
      chart = new uPlot({ width: width, height: 260, series: [{}, { label: 'in/s', stroke: '#16324f' },
        { label: 'out/s', stroke: '#f2a900' }] }, data, $('chart'));
    } else {
      chart.setData(data);
    }
  }

  function cell(row, text) {
    var td = document.createElement('td'); td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td); return td;
  }

  function clientLink(id) {
    var a = document.createElement('a');
    a.href = '#/clients/' + encodeURIComponent(id);
    a.textContent = id;
    return a;
  }

  // A table's rows, one an item: the client id first (a link to the client's page), then what values gives.
  function clientRows(id, items, values) {
    var rows = $(id);
    rows.textContent = '';
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      cell(tr, '').appendChild(clientLink(item.clientId));
      values(item).forEach(function (v) { cell(tr, v); });
      rows.appendChild(tr);
    });
  }

  // A list paged by page and limit (clients, subscriptions): Previous and Next under it move through it.
  function pager(name, load) {
    var p = { page: 1 };
    p.shown = function (meta) {
      $(name + '-page-no').textContent = 'page ' + meta.page + ' (' + meta.count + ' in all)';
      $(name + '-prev').disabled = meta.page <= 1;
      $(name + '-next').disabled = !meta.hasNext;
    };
    $(name + '-prev').addEventListener('click', function () { p.page = Math.max(1, p.page - 1); load().catch(noop); });
    $(name + '-next').addEventListener('click', function () { p.page += 1; load().catch(noop); });
    return p;
  }

  var clientPager = pager('clients', clients);
  function clients() {
    var prefix = $('client-prefix').value;
    var q = '?page=' + clientPager.page + '&limit=50' + (prefix ? '&clientId=' + encodeURIComponent(prefix) : '');
    return api('GET', '/api/v1/clients' + q).then(function (page) {
      clientRows('client-rows', page.data, function (c) {
        return [c.username || '(anonymous)', c.address, c.transport, c.protocolVersion, c.connectedAt, c.queued,
          c.inflight];
      });
      clientPager.shown(page.meta);
    });
  }

  function client(id) {
    return api('GET', '/api/v1/clients/' + encodeURIComponent(id)).then(function (c) {
      $('client-id').textContent = c.clientId;
      facts($('client-facts'), [['Identity', c.username || '(anonymous)'], ['Address', c.address], ['Transport', c.transport],
        ['Version', c.protocolVersion], ['Connected since', c.connectedAt], ['Keepalive', c.keepalive + ' s'],
        ['Persistent', c.persistent], ['In flight', c.inflight], ['Queued', c.queued]]);
      var rows = $('subscription-rows');
      rows.textContent = '';
      c.subscriptions.forEach(function (s) {
        var tr = document.createElement('tr');
        cell(tr, s.topicFilter); cell(tr, s.qos); cell(tr, s.noLocal);
        rows.appendChild(tr);
      });
      $('kick').onclick = function () {
        if (!window.confirm('Disconnect ' + c.clientId + '?')) { return; }
        api('DELETE', '/api/v1/clients/' + encodeURIComponent(c.clientId)).then(function () {
          location.hash = '#/clients';
        }).catch(noop);
      };
    });
  }

  // Devices: one product at a time, 50 a page, in name order ("More" follows the list's cursor).
  // A refresh reloads as many as are shown, so rows brought in with "More" stay.
  var deviceCursor = null;
  var devicesShown = 0;
  var deviceLoads = 0; // an answer to a load older than the newest is dropped: a refresh must not undo a "More"
  function product() { return $('product-key').value.trim(); }
  function devicePath(name) {
    return '/api/v1/products/' + encodeURIComponent(product()) + '/devices' + (name ? '/' + encodeURIComponent(name) : '');
  }
  function button(label, onclick) {
    var b = document.createElement('button'); b.type = 'button'; b.textContent = label; b.onclick = onclick; return b;
  }
  function devices(more) {
    if (!product()) { return Promise.resolve(); }
    var q = more ? '?limit=50&after=' + encodeURIComponent(deviceCursor)
      : '?limit=' + Math.min(Math.max(devicesShown, 50), 1000);
    var load = ++deviceLoads;
    return api('GET', devicePath() + q).then(function (page) {
      if (load !== deviceLoads) { return; }
      var rows = $('device-rows');
      if (!more) { rows.textContent = ''; devicesShown = 0; }
      devicesShown += page.data.length;
      page.data.forEach(function (d) {
        var tr = document.createElement('tr');
        tr.dataset.device = d.deviceName;
        [d.deviceName, d.status, d.enabled, d.lastOnlineAt, d.lastAddress].forEach(function (v) { cell(tr, v); });
        var actions = cell(tr, '');
        actions.appendChild(button(d.enabled ? 'Disable' : 'Enable', function () {
          api('PATCH', devicePath(d.deviceName), { enabled: !d.enabled }).then(function () { devices(false); })
            .catch(noop);
        }));
        actions.appendChild(button('Delete', function () {
          if (!window.confirm('Delete ' + d.deviceName + '? Its secret is gone with it.')) { return; }
          api('DELETE', devicePath(d.deviceName)).then(function () { devices(false); }).catch(noop);
        }));
        rows.appendChild(tr);
      });
      deviceCursor = page.next;
      $('more-devices').hidden = !page.next;
    });
  }
  // The products that have devices, each a button that shows its devices.
  function products() {
    return api('GET', '/api/v1/products?limit=1000').then(function (page) {
      var list = $('products');
      list.textContent = page.data.length ? '' : 'No devices yet: create one below.';
      page.data.forEach(function (p) {
        list.appendChild(button(p.productKey, function () { $('product-key').value = p.productKey; showProduct(); }));
      });
      if (page.next) { list.appendChild(document.createTextNode(' (the first 1000; type a product key below)')); }
    });
  }
  function showProduct() { error(''); devicesShown = 0; devices(false).catch(noop); }
  $('product-form').addEventListener('submit', function (e) { e.preventDefault(); showProduct(); });
  $('more-devices').addEventListener('click', function () { devices(true).catch(noop); });
  $('create-device').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!product()) { error('A product key is required'); $('product-key').focus(); return; }
    api('POST', devicePath(), { deviceName: $('new-device').value.trim() }).then(function (d) {
      $('created').hidden = false;
      $('created-pk').textContent = d.productKey;
      $('created-dn').textContent = d.deviceName;
      $('created-secret').textContent = d.deviceSecret;
      $('link-client').textContent = '{id}|securemode=3,signmethod=hmacsha256,timestamp={ms}|';
      $('link-user').textContent = d.deviceName + '&' + d.productKey;
      $('link-content').textContent = 'clientId{id}deviceName' + d.deviceName + 'productKey' + d.productKey + 'timestamp{ms}';
      $('new-device').value = '';
      error('');
      return devices(false);
    }).catch(noop);
  });
  $('copy-secret').addEventListener('click', function () {
    var secret = $('created-secret').textContent;
    if (navigator.clipboard) { navigator.clipboard.writeText(secret).catch(noop); }
  });
  $('import-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!product()) { error('A product key is required'); return; }
    var file = $('import-file').files[0];
    file.text().then(function (text) {
      return api('POST', devicePath() + ':import', text, 'text/csv');
    }).then(function (r) {
      $('import-result').textContent = 'Imported ' + r.created + ' devices' +
        (r.skipped.length ? '; skipped (they exist): ' + r.skipped.join(', ') : '');
      return devices(false);
    }).catch(noop);
  });

  // Topics: which sessions a topic name would reach, and every subscription, filtered by client or exact filter.
  var subscriptionPager = pager('subscriptions', subscriptions);
  function subscriptions() {
    var c = $('subs-client').value.trim(), f = $('subs-filter').value.trim();
    var q = '?limit=100&page=' + subscriptionPager.page + (c ? '&clientId=' + encodeURIComponent(c) : '') +
      (f ? '&topicFilter=' + encodeURIComponent(f) : '');
    return api('GET', '/api/v1/subscriptions' + q).then(function (page) {
      clientRows('all-subscription-rows', page.data, function (s) { return [s.topicFilter, s.qos, s.noLocal]; });
      subscriptionPager.shown(page.meta);
    });
  }
  var matched = null;
  function match() {
    if (!matched) { return Promise.resolve(); }
    return api('GET', '/api/v1/topics?match=' + encodeURIComponent(matched)).then(function (m) {
      $('match-result').textContent = m.topic + ' reaches ' + m.sessions + ' session(s) through ' +
        m.subscriptions.length + ' subscription(s)';
      clientRows('match-rows', m.subscriptions, function (s) {
        return [s.topicFilter, s.qos, s.noLocal, s.shareKey ? 'yes' : ''];
      });
    });
  }
  $('match-form').addEventListener('submit', function (e) {
    e.preventDefault();
    error('');
    matched = $('match-topic').value;
    match().catch(function () { matched = null; $('match-result').textContent = ''; $('match-rows').textContent = ''; });
  });
  $('subscriptions-form').addEventListener('submit', function (e) {
    e.preventDefault(); error(''); subscriptionPager.page = 1; subscriptions().catch(noop);
  });

  // Trace: turns tracing on for a client or a topic filter, then shows its events as they arrive.
  function traceQuery() {
    var c = $('trace-client').value.trim(), t = $('trace-topic').value.trim();
    return c ? { clientId: c } : t ? { topic: t } : null;
  }
  function decoded(base64) {
    if (!base64) { return ''; }
    var bytes = atob(base64);
    return /^[\x20-\x7e]*$/.test(bytes) ? base64 + ' ("' + bytes + '")' : base64;
  }
  function trace() {
    var q = traceQuery();
    if (!q) { return Promise.resolve(); }
    var qs = q.clientId ? 'clientId=' + encodeURIComponent(q.clientId) : 'topic=' + encodeURIComponent(q.topic);
    return api('GET', '/api/v1/trace?limit=200&' + qs).then(function (r) {
      $('trace-state').textContent = 'Tracing: ' + (r.tracing.clientIds.concat(r.tracing.topicFilters).join(', ') || 'nothing');
      var rows = $('trace-rows');
      rows.textContent = '';
      r.data.forEach(function (ev) {
        var tr = document.createElement('tr');
        [ev.time, ev.kind, ev.clientId, ev.topic, ev.qos, ev.payloadBytes,
          (ev.userProperties || []).map(function (p) { return p[0] + '=' + p[1]; }).join(', '),
          ev.contentType, ev.responseTopic, decoded(ev.correlationDataBase64)].forEach(function (v) { cell(tr, v); });
        rows.appendChild(tr);
      });
    });
  }
  function traceSwitch(on) {
    var q = traceQuery();
    if (!q) { error('A client id or a topic filter is required'); return; }
    q.enabled = on;
    api('PUT', '/api/v1/trace', q).then(function () { error(''); return trace(); }).catch(noop);
  }
  $('trace-form').addEventListener('submit', function (e) { e.preventDefault(); traceSwitch(true); });
  $('trace-stop').addEventListener('click', function () { traceSwitch(false); });

  // Tools: publish as the API does (the platform rules apply), and call a device by RRPC.
  function utf8Base64(text) {
    var bytes = new TextEncoder().encode(text), s = '';
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s);
  }
  function utf8(base64) {
    var s = atob(base64), bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { bytes[i] = s.charCodeAt(i); }
    return new TextDecoder().decode(bytes);
  }
  $('publish-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var props = $('pub-props').value.split('\n').filter(function (l) { return l.trim(); }).map(function (l) {
      var i = l.indexOf('='); return i < 0 ? [l.trim(), ''] : [l.substring(0, i).trim(), l.substring(i + 1)];
    });
    api('POST', '/api/v1/publish', { topic: $('pub-topic').value, qos: Number($('pub-qos').value),
      payload: $('pub-payload').value, userProperties: props }).then(function (r) {
      error('');
      $('publish-result').textContent = 'Published: it reached ' + r.reached + ' subscriber(s)';
    }).catch(function () { $('publish-result').textContent = ''; });
  });
  $('rrpc-form').addEventListener('submit', function (e) {
    e.preventDefault();
    $('rrpc-result').textContent = '';
    api('POST', '/api/v1/rrpc', { productKey: $('rrpc-pk').value.trim(), deviceName: $('rrpc-dn').value.trim(),
      requestBase64: utf8Base64($('rrpc-request').value), timeoutMs: Number($('rrpc-timeout').value) })
      .then(function (r) {
        error('');
        facts($('rrpc-result'), [['rrpcCode', r.rrpcCode], ['messageId', r.messageId],
          ['Answer', r.payloadBase64 ? utf8(r.payloadBase64) : '(none)']]);
      }).catch(noop);
  });

  var timer = null;
  function route() {
    clearInterval(timer);
    error('');
    if (!sessionStorage.getItem(TOKEN)) { show('login'); $('token').focus(); return; }
    var hash = location.hash || '#/overview';
    var refresh;
    if (hash.indexOf('#/clients/') === 0) {
      var id = decodeURIComponent(hash.substring(10));
      show('client');
      refresh = function () { return client(id); };
    } else if (hash === '#/clients') {
      show('clients');
      refresh = clients;
    } else if (hash === '#/devices') {
      show('devices');
      refresh = function () { return Promise.all([products(), devices(false)]); };
    } else if (hash === '#/topics') {
      show('topics');
      refresh = function () { return Promise.all([subscriptions(), match()]); };
    } else if (hash === '#/trace') {
      show('trace');
      refresh = trace;
    } else if (hash === '#/tools') {
      show('tools');
      return;
    } else {
      show('overview');
      refresh = overview;
    }
    var tick = function () { refresh().catch(noop); };
    tick();
    timer = setInterval(tick, 2000);
  }

  $('login').addEventListener('submit', function (e) {
    e.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value.trim());
    $('token').value = '';
    route();
  });
  $('logout').addEventListener('click', function () { sessionStorage.removeItem(TOKEN); route(); });
  $('client-search').addEventListener('submit', function (e) { e.preventDefault(); clientPager.page = 1; clients().catch(noop); });
  window.addEventListener('hashchange', route);
  route();
}());
