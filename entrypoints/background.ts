import { defineBackground } from 'wxt/utils/define-background';

// Wiring only: services are created here and connected to browser events.
export default defineBackground(() => {});
