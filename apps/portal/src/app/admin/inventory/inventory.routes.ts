import { comingSoonRoutes } from '../../shared/coming-soon.page';

export default comingSoonRoutes('Token Inventory');
