// Dashboard charts. Reads its data from <script type="application/json" class="chart-data"> blocks
// (no inline script: the page's CSP forbids it) and draws them with the vendored ECharts.
(function () {
  'use strict';
  var colours = { red: '#d93025', yellow: '#f2a600', green: '#188038', grey: '#9aa0a6' };
  var labels = { red: '逾期', yellow: '临期/报告逾期', green: '正常推进', grey: '已办结' };
  function draw(el, spec) {
    if (typeof echarts === 'undefined') return;
    var chart = echarts.init(el, null, { renderer: 'svg' });
    var option;
    if (spec.type === 'lights') {
      option = {
        tooltip: { trigger: 'item' },
        series: [{ type: 'pie', radius: ['40%', '70%'], data: ['red', 'yellow', 'green', 'grey'].map(function (k) {
          return { name: labels[k], value: spec.data[k] || 0, itemStyle: { color: colours[k] } };
        }) }],
      };
    } else if (spec.type === 'units') {
      option = {
        tooltip: { trigger: 'axis' }, legend: {}, grid: { left: 140, right: 20, top: 30, bottom: 20 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: spec.data.map(function (u) { return u.name; }) },
        series: ['red', 'yellow', 'green', 'grey'].map(function (k) {
          return { name: labels[k], type: 'bar', stack: 'all', itemStyle: { color: colours[k] }, data: spec.data.map(function (u) { return u[k]; }) };
        }),
      };
    } else if (spec.type === 'indicators') {
      option = {
        tooltip: { trigger: 'axis' }, grid: { left: 220, right: 30, top: 20, bottom: 20 },
        xAxis: { type: 'value', max: 150, axisLabel: { formatter: '{value}%' } },
        yAxis: { type: 'category', inverse: true, data: spec.data.map(function (i) { return i.code + ' ' + i.name; }) },
        series: [{ type: 'bar', data: spec.data.map(function (i) { return i.progress === null ? 0 : Math.round(i.progress * 100); }), itemStyle: { color: '#188038' } }],
      };
    }
    if (option) chart.setOption(option);
    window.addEventListener('resize', function () { chart.resize(); });
  }
  document.querySelectorAll('script.chart-data').forEach(function (s) {
    var target = document.getElementById(s.getAttribute('data-for'));
    if (target) draw(target, JSON.parse(s.textContent));
  });
})();
