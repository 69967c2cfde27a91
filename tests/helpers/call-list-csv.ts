/** A generated call list: `rows` distinct valid US numbers with names, as an uploaded CSV file. */
const AREA_CODES = ["212", "312", "415", "646", "713", "305", "206", "617", "404", "702"];

export function callListCsv(rows: number, offset = 0): string {
  const lines = ["phone,first_name,last_name"];
  for (let index = offset; index < offset + rows; index++) {
    const area = AREA_CODES[index % AREA_CODES.length]!;
    const local = String(2_000_000 + Math.floor(index / AREA_CODES.length)).padStart(7, "0");
    lines.push(`(${area}) ${local.slice(0, 3)}-${local.slice(3)},First${index},Last${index}`);
  }
  return lines.join("\n");
}

export const CALL_LIST_MAPPING = { phone: "phone", firstName: "first_name", lastName: "last_name" };
