// The live log tail: fills from ocis.log.tail, then follows ocis.log and ocis.status through the
// SockJS event bus bridge. Lines carry seq; a "dropped" field on a line says how many were missed.
(function () {
  'use strict';
  var MAX_LINES = 5000;
  var log = document.getElementById('log');
  var sourceFilter = document.getElementById('source');
  var streamFilter = document.getElementById('stream');
  var follow = document.getElementById('follow');
  var pauseButton = document.getElementById('pause');
  var droppedBadge = document.getElementById('dropped');
  var stateBadge = document.getElementById('state');
  var count = document.getElementById('count');
  var paused = false;
  var held = [];
  var nextSeq = 0;
  var dropped = 0;
  var shown = 0;
  var sources = {};

  function visible(line) {
    return (!sourceFilter.value || sourceFilter.value === line.source) &&
        (!streamFilter.value || streamFilter.value === line.stream);
  }

  function addSource(name) {
    if (!sources[name]) {
      sources[name] = true;
      var option = document.createElement('option');
      option.textContent = name;
      sourceFilter.appendChild(option);
    }
  }

  function render(line) {
    var row = document.createElement('span');
    row.className = 'line ' + line.stream;
    row.dataset.source = line.source;
    row.dataset.stream = line.stream;
    var meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = line.seq + ' ' + line.ts.substring(11, 23) + ' ' + line.source;
    row.appendChild(meta);
    row.appendChild(document.createTextNode(line.line));
    if (!visible(line)) {
      row.classList.add('hidden');
    }
    log.appendChild(row);
    shown++;
    while (shown > MAX_LINES) {
      log.removeChild(log.firstChild);
      shown--;
    }
  }

  function accept(line) {
    if (line.seq < nextSeq) {
      return;
    }
    if (line.dropped) {
      dropped += line.dropped;
    } else if (nextSeq && line.seq > nextSeq) {
      dropped += line.seq - nextSeq;
    }
    nextSeq = line.seq + 1;
    addSource(line.source);
    if (paused) {
      held.push(line);
      return;
    }
    render(line);
    update();
  }

  function update() {
    droppedBadge.hidden = dropped === 0;
    droppedBadge.textContent = 'dropped ' + dropped + ' lines';
    count.textContent = (nextSeq ? nextSeq - 1 : 0) + ' lines';
    if (follow.checked && !paused) {
      window.scrollTo(0, document.body.scrollHeight);
    }
  }

  function refilter() {
    Array.prototype.forEach.call(log.children, function (row) {
      var line = { source: row.dataset.source, stream: row.dataset.stream };
      row.classList.toggle('hidden', !visible(line));
    });
  }

  sourceFilter.addEventListener('change', refilter);
  streamFilter.addEventListener('change', refilter);
  pauseButton.addEventListener('click', function () {
    paused = !paused;
    pauseButton.textContent = paused ? 'resume' : 'pause';
    if (!paused) {
      held.splice(0).forEach(render);
      update();
    }
  });

  function connect() {
    // With --token the bridge wants it: open the page as /?access_token=TOKEN.
    var token = new URLSearchParams(window.location.search).get('access_token');
    var eb = new EventBus('/eventbus' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
    eb.enableReconnect(true);
    eb.onopen = function () {
      stateBadge.textContent = 'connected';
      eb.registerHandler('ocis.status', function (err, msg) {
        if (!err && msg.body.source === 'ocis') {
          stateBadge.textContent = 'oCIS ' + msg.body.state;
          stateBadge.className = 'state ' + msg.body.state;
        }
      });
      eb.registerHandler('ocis.log', function (err, msg) {
        if (!err) {
          accept(msg.body);
        }
      });
      eb.send('ocis.log.tail', { tail: 500 }, function (err, reply) {
        if (!err) {
          reply.body.lines.forEach(accept);
          if (reply.body.dropped) {
            update();
          }
        }
      });
    };
    eb.onclose = function () {
      stateBadge.textContent = 'disconnected';
      stateBadge.className = 'state';
    };
  }

  connect();
}());
