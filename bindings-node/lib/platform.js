'use strict';
// The file name of the compiled addon for this platform: dcskit.<platform>-<arch>[-gnu|-musl].node

function platformTriple() {
  const { platform, arch } = process;
  if (platform !== 'linux') return `${platform}-${arch}`;
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report?.header?.glibcVersionRuntime;
  return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
}

const addonFileName = () => `dcskit.${platformTriple()}.node`;

module.exports = { platformTriple, addonFileName };
