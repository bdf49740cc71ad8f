/** Only types: nothing to test. */
export interface Shape {
  sides: number;
}
