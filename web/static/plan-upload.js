// Plan upload page: sends the chosen file's bytes (the server reads it exactly as the CLI does) and
// shows the preview fragment the server returns; "导入此方案" sends the same file again to import it.
(function () {
  var form = document.getElementById('plan-upload');
  var out = document.getElementById('plan-preview');
  if (!form || !out) return;
  function send(action) {
    var file = form.elements.file.files[0];
    if (!file) return;
    var q = new URLSearchParams({ action: action, name: file.name });
    if (form.elements.plan.value) q.set('plan', form.elements.plan.value);
    if (form.elements.defaultDeadline.value) q.set('defaultDeadline', form.elements.defaultDeadline.value);
    if (form.elements.newUnits.checked) q.set('newUnits', '1');
    out.textContent = action === 'import' ? '正在导入…' : '正在读取…';
    fetch('/plans/upload?' + q.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': form.dataset.csrf },
      body: file,
    })
      .then(function (r) {
        return r.text();
      })
      .then(function (text) {
        out.innerHTML = text; // server-rendered, every value escaped
        var b = document.getElementById('plan-import');
        if (b)
          b.addEventListener('click', function () {
            send('import');
          });
      })
      .catch(function () {
        out.textContent = '上传失败，请重试';
      });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    send('preview');
  });
})();
