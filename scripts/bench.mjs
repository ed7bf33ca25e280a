// `npm run bench`: the performance figures (see ARCHITECTURE.md, "Data path"). The benchmark suite comes with the
// performance work; until then this says so rather than printing numbers it did not measure.
console.log(
  'podterm bench: no benchmarks yet (the data path is covered by behaviour tests; figures come with the performance issue).',
);
