/** The free drivers: an array for fast scans, with O(1) removal by swapping in the last. */
export class FreeDrivers<D extends { spec: { id: number } }> {
  readonly list: D[] = [];
  private readonly at = new Map<number, number>();

  get(id: number): D | undefined {
    const i = this.at.get(id);
    return i === undefined ? undefined : this.list[i];
  }

  add(d: D): void {
    if (this.at.has(d.spec.id)) return;
    this.at.set(d.spec.id, this.list.length);
    this.list.push(d);
  }

  delete(id: number): void {
    const i = this.at.get(id);
    if (i === undefined) return;
    const last = this.list.pop();
    this.at.delete(id);
    if (last && last.spec.id !== id) {
      this.list[i] = last;
      this.at.set(last.spec.id, i);
    }
  }
}
