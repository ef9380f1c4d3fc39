// Dashboard charts. Reads its data from <script type="application/json" class="chart-data"> blocks
// (no inline script: the page's CSP forbids it) and draws them with the vendored ECharts.
(function () {
  'use strict';
  var colours = { red: '#d93025', yellow: '#f2a600', green: '#188038', grey: '#9aa0a6' };
  var labels = { red: '逾期', yellow: '临期/报告逾期', green: '正常推进', grey: '已关闭' };
  // one bar row is this tall; the legend sits below the bars, in a band of its own, so it never covers one
  var ROW = 28,
    LEGEND = 36,
    PAD = 16;
  // no animation for people who ask for less motion (and for the browser test's screenshots)
  var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function draw(el, spec) {
    if (typeof echarts === 'undefined') return;
    if (!spec.data || !spec.data.length) {
      el.textContent = '暂无数据';
      el.className += ' empty';
      return;
    }
    var rows = spec.data.length;
    var option;
    if (spec.type === 'units') {
      el.style.height = rows * ROW + LEGEND + PAD * 2 + 'px';
      option = {
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { bottom: 0, left: 'center' },
        grid: { left: 10, right: 20, top: PAD, bottom: LEGEND, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: {
          type: 'category',
          inverse: true,
          data: spec.data.map(function (u) {
            return u.name;
          }),
        },
        series: ['red', 'yellow', 'green', 'grey'].map(function (k) {
          return {
            name: labels[k],
            type: 'bar',
            stack: 'all',
            barMaxWidth: 20,
            itemStyle: { color: colours[k] },
            data: spec.data.map(function (u) {
              return u[k];
            }),
          };
        }),
      };
    } else if (spec.type === 'indicators') {
      el.style.height = rows * ROW + PAD * 2 + 20 + 'px';
      option = {
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 10, right: 30, top: PAD, bottom: PAD, containLabel: true },
        xAxis: { type: 'value', max: 150, axisLabel: { formatter: '{value}%' } },
        yAxis: {
          type: 'category',
          inverse: true,
          data: spec.data.map(function (i) {
            return i.code + ' ' + i.name;
          }),
        },
        series: [
          {
            type: 'bar',
            barMaxWidth: 20,
            data: spec.data.map(function (i) {
              return Math.round(i.progress * 100);
            }),
            itemStyle: { color: '#188038' },
          },
        ],
      };
    }
    if (!option) return;
    option.animation = !still;
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(option);
    window.addEventListener('resize', function () {
      chart.resize();
    });
  }
  document.querySelectorAll('script.chart-data').forEach(function (s) {
    var target = document.getElementById(s.getAttribute('data-for'));
    if (target) draw(target, JSON.parse(s.textContent));
  });
})();
