// Small per-listener charts of bytes per second in and out, with uPlot from its WebJar.

import uPlot from '../webjars/uplot/dist/uPlot.esm.js';
import { bytesPerSecond } from './format.js';

const style = getComputedStyle(document.documentElement);
const IN = style.getPropertyValue('--in').trim() || '#2563eb';
const OUT = style.getPropertyValue('--out').trim() || '#16a34a';

export class RateChart {

  constructor(container, windowSeconds) {
    this.container = container;
    this.windowSeconds = windowSeconds;
    this.data = [[], [], []];
    this.plot = new uPlot({
      width: Math.max(200, container.clientWidth),
      height: 100,
      legend: { show: false },
      cursor: { show: false },
      padding: [6, 14, 0, 0],
      scales: {
        x: { time: true, range: (u, min, max) => [max - this.windowSeconds, max] },
        y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        { size: 22, font: '10px system-ui, sans-serif', stroke: '#5b6472', grid: { show: false }, ticks: { size: 3 } },
        {
          size: 64, font: '10px system-ui, sans-serif', stroke: '#5b6472', grid: { stroke: '#eceff3', width: 1 },
          ticks: { show: false }, values: (u, values) => values.map((v) => bytesPerSecond(v)),
        },
      ],
      series: [
        {},
        { label: 'in', stroke: IN, width: 1.5, fill: 'rgba(37, 99, 235, 0.08)', points: { show: false } },
        { label: 'out', stroke: OUT, width: 1.5, dash: [5, 3], points: { show: false } },
      ],
    }, this.data, container);
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
  }

  resize() {
    const width = Math.max(200, this.container.clientWidth);
    if (width !== this.plot.width) {
      this.plot.setSize({ width, height: 100 });
    }
  }

  /** @param points [[timeMillis, inPerSecond, outPerSecond], ...] oldest first */
  update(points) {
    const xs = [];
    const ins = [];
    const outs = [];
    for (const [t, i, o] of points) {
      xs.push(t / 1000);
      ins.push(i);
      outs.push(o);
    }
    this.data = [xs, ins, outs];
    this.plot.setData(this.data);
  }

  destroy() {
    this.observer.disconnect();
    this.plot.destroy();
  }

}
