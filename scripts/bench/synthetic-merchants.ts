import { iceWithCheckDigits } from '../../src/directory/ice.ts';

// Merchants that look like a real registry's rows (French and Arabic names, Moroccan
// cities and phones, one or two domains, labels on some), from a seeded generator so
// that every benchmark run measures the same data.

const WORDS = [
  'atlas',
  'argan',
  'souk',
  'bladi',
  'maroc',
  'casa',
  'rabat',
  'fes',
  'tanger',
  'sahara',
  'marrakech',
  'agadir',
  'bio',
  'tech',
  'mode',
  'cuir',
  'deco',
  'electro',
  'beauty',
  'kids',
  'sport',
  'home',
  'market',
  'store',
  'hanout',
  'zellige',
  'tajine',
  'amlou',
  'henna',
  'caftan',
  'babouche',
  'nejma',
  'baraka',
  'kenz',
  'nour',
  'yasmine',
];
const ARABIC = ['دار', 'سوق', 'أركان', 'المغرب', 'نجمة', 'بركة', 'الأطلس', 'كنز', 'نور', 'ياسمين', 'الصحراء', 'زليج'];
const CITIES = ['Casablanca', 'Rabat', 'Fès', 'Marrakech', 'Tanger', 'Agadir', 'Meknès', 'Oujda', 'Kénitra', 'Tétouan'];
const FORMS = ['SARL', 'SARL AU', 'SA', 'SNC'];
const TLDS = ['ma', 'com', 'shop', 'store', 'net'];

/** Mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type MerchantRow = Record<string, string | string[]>;

export function syntheticMerchantRows(count: number, seed = 20261127): MerchantRow[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const date = (from: number, to: number) => {
    const day = from + Math.floor(random() * (to - from));
    return new Date(day * 86_400_000).toISOString().slice(0, 10);
  };
  const rows: MerchantRow[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}`;
    const arabic = random() < 0.3;
    const tradeName = arabic ? `${pick(ARABIC)} ${pick(ARABIC)}` : name.replace('-', ' ');
    const domains = [`${name}-${i.toString(36)}.${pick(TLDS)}`];
    if (random() < 0.2) domains.push(`${name}${i.toString(36)}.youcan.shop`);
    const labels: string[] = [];
    if (random() < 0.4)
      labels.push(`e-thiq:ETQ-${2024 + Math.floor(random() * 3)}-${digits(4)}@${date(20_800, 21_500)}`);
    if (random() < 0.5) labels.push(`cndp:D-W-${Math.floor(random() * 9000) + 100}/${2020 + Math.floor(random() * 6)}`);
    if (random() < 0.3) labels.push('cmi');
    rows.push({
      domains,
      legal_name: `${tradeName} ${pick(FORMS)}`,
      trade_name: tradeName,
      ice: iceWithCheckDigits(`00${String(i).padStart(7, '0')}${digits(4)}`),
      rc: `RC ${pick(CITIES)} ${digits(6)}`,
      city: pick(CITIES),
      phone: `+2125${digits(8)}`,
      email: random() < 0.6 ? `contact@${domains[0]}` : '',
      status: random() < 0.97 ? 'verified' : 'suspended',
      verified_at: date(20_200, 20_780),
      verified_by: 'Fédération des e-commerçants',
      methods: random() < 0.5 ? ['commercial-register', 'phone-call'] : ['commercial-register'],
      labels,
      social: random() < 0.5 ? [`instagram:@${name.replace('-', '.')}`] : [],
    });
  }
  return rows;
}
