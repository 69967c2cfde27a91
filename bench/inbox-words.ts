/**
 * The words the inbox benchmark's seed builds names, subjects and messages from. Where the seed picks
 * with a skew (names, topics, brands), the first entries of a list are the common ones.
 */

// biome-ignore format: a word list reads better packed
export const FIRST_NAMES = [
  "Maria", "James", "Anna", "John", "Sofia", "David", "Laura", "Michael", "Emma", "Daniel", "Olivia",
  "Robert", "Julia", "Thomas", "Sarah", "Carlos", "Elena", "Ahmed", "Fatima", "Wei", "Mei", "Hiroshi",
  "Yuki", "Ivan", "Olga", "Pierre", "Camille", "Lukas", "Lena", "Mateo", "Lucia", "Noah", "Mia", "Liam",
  "Chloe", "Ethan", "Grace", "Omar", "Leila", "Raj", "Priya", "Kwame", "Amara", "Sven", "Ingrid", "Pablo",
  "Valentina", "Diego", "Isabella", "Hugo", "Alice", "Felix", "Clara", "Jonas", "Nora", "Emil", "Astrid",
  "Tariq", "Zara", "Kenji", "Aiko", "Bruno", "Marta", "Tomasz", "Agnieszka", "Dmitri", "Svetlana", "Oscar",
  "Elsa", "Rafael", "Beatriz", "Samuel", "Hannah", "Benjamin", "Ruth", "Finn", "Ida", "Arjun", "Ananya",
  "Jamal", "Nia", "Kofi", "Abena", "Luca", "Giulia", "Marco", "Chiara", "Stefan", "Petra", "Milan", "Jana",
  "Andrei", "Ioana", "Niko", "Helmi", "Eero", "Aino", "Tomas", "Rosa", "Gideon", "Quinn",
];

// biome-ignore format: a word list reads better packed
export const LAST_NAMES = [
  "Garcia", "Smith", "Mueller", "Rossi", "Kowalski", "Nguyen", "Tanaka", "Ivanova", "Dubois", "Silva",
  "Johnson", "Brown", "Martinez", "Lopez", "Schmidt", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
  "Romano", "Colombo", "Ricci", "Nowak", "Wisniewski", "Tran", "Le", "Pham", "Suzuki", "Takahashi",
  "Watanabe", "Petrov", "Sokolov", "Lefebvre", "Moreau", "Laurent", "Santos", "Oliveira", "Costa", "Pereira",
  "Williams", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
  "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
  "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez",
  "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Sanchez",
  "Morris", "Rogers", "Reed", "Cook", "Morgan", "Bell", "Murphy", "Bailey", "Rivera", "Cooper", "Richardson",
  "Cox", "Howard", "Ward", "Torres", "Peterson", "Gray", "Ramirez", "James", "Watson", "Brooks", "Kelly",
  "Sanders", "Price", "Bennett", "Wood", "Barnes", "Ross", "Henderson", "Coleman", "Jenkins", "Perry",
  "Powell", "Long", "Patterson", "Hughes", "Flores", "Washington", "Butler", "Simmons", "Foster", "Gonzales",
  "Bryant", "Alexander", "Russell", "Griffin", "Diaz", "Hayes", "Lindqvist", "Haugen", "Virtanen",
  "Korhonen", "Novak", "Horvat", "Popescu", "Ionescu", "Okafor", "Mensah", "Abara", "Haddad", "Khalil",
  "Mansour", "Chen", "Wang", "Zhang", "Liu", "Kim", "Park", "Choi", "Singh", "Patel", "Sharma", "Gupta",
  "Ozturk", "Yilmaz",
];

// biome-ignore format: a word list reads better packed
export const EMAIL_DOMAINS = [
  "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "orange.fr", "acme-corp.com",
  "northwind.example", "globex.example", "initech.example", "umbrella.example",
];

/** Ordered from common to rare: the seed picks early entries more often. */
// biome-ignore format: a word list reads better packed
export const TOPICS = [
  "Where is my order", "Refund request", "Delivery delayed", "Invoice question", "Password reset",
  "Cannot log in", "Cancel my subscription", "Damaged item received", "Payment failed", "Wrong size",
  "Billing error", "Change delivery address", "Return label", "Double charged", "Account locked",
  "Upgrade my plan", "Missing parcel", "Discount code not working", "Warranty claim", "Update card details",
  "Exchange request", "App keeps crashing", "Installation help", "Out of stock", "Gift card balance",
  "Loyalty points missing", "Complaint about courier", "Two-factor authentication", "Data export request",
  "Delete my account", "Price match", "Bulk order quote", "Tax invoice needed", "Shipping to Canada",
  "Battery not charging", "Screen flickering", "Manual in Spanish", "Feedback on support",
  "Partnership inquiry", "Accessibility of the checkout",
];

// biome-ignore format: a word list reads better packed
export const BRANDS = [
  "Aurora", "Nimbus", "Zephyr", "Solace", "Vertex", "Lumen", "Cobalt", "Meridian", "Halcyon", "Ember",
  "Quasar", "Tundra", "Orchid", "Falcon", "Juniper", "Sable", "Cascade", "Onyx", "Marlowe", "Pinnacle",
  "Riviera", "Saffron", "Tempest", "Umbra", "Velvet", "Willow", "Xenon", "Yarrow", "Zenith", "Arbor",
  "Beacon", "Cinder", "Dune", "Eclipse", "Fjord", "Glacier", "Harbor", "Ivory", "Jasper", "Kestrel",
  "Lagoon", "Mistral", "Nectar", "Obsidian", "Prism", "Quill", "Russet", "Sorrel", "Thistle", "Ultramarine",
  "Vireo", "Wren", "Yonder", "Zinnia", "Alder", "Bramble", "Corvid", "Dapple", "Estuary", "Quillon",
];

// biome-ignore format: a word list reads better packed
export const PRODUCTS = [
  "blender", "desk lamp", "headphones", "backpack", "kettle", "router", "smartwatch", "jacket",
];

// biome-ignore format: a word list reads better packed
export const OPENINGS = [
  "Hi,", "Hello,", "Good morning,", "Hi there,", "Dear support team,", "Hey,", "Hello again,",
];

// biome-ignore format: a word list reads better packed
export const CUSTOMER_FOLLOW_UPS = [
  "Any news on this? I am still waiting.", "Thanks, that worked.",
  "I tried that but it did not help, the problem is still there.",
  "Could you please call me back tomorrow morning?", "I have attached a photo of the damage.",
  "Please cancel it, I no longer need it.", "The courier says the parcel was delivered but I never got it.",
  "Can I get a discount for the trouble?",
];

// biome-ignore format: a word list reads better packed
export const AGENT_REPLIES = [
  "thanks for reaching out. I have looked into this and will update you shortly.",
  "sorry for the trouble. I have issued the refund, it should reach your account in 3-5 business days.",
  "I have reset your password; please check your inbox for the link.", "your replacement has shipped today.",
  "could you send us a photo of the item and the packaging?", "I have escalated this to our warehouse team.",
  "the invoice has been corrected and sent to your email address.",
  "your subscription is cancelled and you will not be charged again.",
];

// biome-ignore format: a word list reads better packed
export const NOTES = [
  "Checked with the warehouse: stock arrives Monday.", "Customer is a VIP, handle with priority.",
  "Refund approved by team lead.", "Duplicate of an earlier case, merged the history.",
  "Called the customer, no answer, left a voicemail.",
];

// biome-ignore format: a word list reads better packed
export const STATUS_EVENTS = [
  "Case resolved", "Case closed", "Transferred to another queue", "Reopened by customer",
];
